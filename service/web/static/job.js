// Polls the job's status resource and updates the page until the job is finished.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var statusUrl = section.getAttribute("data-status-url");
  var labels = {queued: "Đang chờ", running: "Đang xử lý", succeeded: "Hoàn thành", failed: "Lỗi",
                cancelled: "Đã hủy"};
  var stages = JSON.parse(section.getAttribute("data-stage-labels") || "{}");

  function table(items, caption) {
    var t = document.createElement("table");
    t.className = "problems";
    var c = t.createCaption();
    c.textContent = caption;
    var head = t.createTHead().insertRow();
    ["Trang", "Ô", "Nội dung", "Mã"].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; head.appendChild(th);
    });
    var body = t.createTBody();
    items.forEach(function (p) {
      var row = body.insertRow();
      [p.sheet || "", p.cell || "", p.message, p.code].forEach(function (v) {
        row.insertCell().textContent = v;
      });
    });
    return t;
  }

  function show(job) {
    var status = document.getElementById("job-status");
    status.textContent = labels[job.status] || job.status;
    status.className = "status status-" + job.status;
    document.getElementById("job-stage").textContent = stages[job.stage] || job.stage;
    document.getElementById("job-progress").value = job.progress;
    section.setAttribute("data-status", job.status);
    if (job.document) {
      var box = document.getElementById("job-download");
      box.querySelector("a").href = job.document.url;
      document.getElementById("job-pdf").href = job.document.pdf_url;
      document.getElementById("job-filename").textContent = job.document.filename;
      box.hidden = false;
    }
    var errors = document.getElementById("job-errors");
    if (job.errors.length && !errors.firstChild) {
      errors.appendChild(table(job.errors, "Lỗi cần sửa trong bảng số liệu"));
    }
    var warnings = document.getElementById("job-warnings");
    if (job.warnings.length && !warnings.firstChild) {
      warnings.appendChild(table(job.warnings, "Lưu ý"));
    }
  }

  // The server holds each request until the job ends (or 2 s pass, to refresh the progress).
  function poll() {
    fetch(statusUrl + "?wait=2", {headers: {Accept: "application/json"},
                                  credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 50); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  var current = section.getAttribute("data-status");
  if (current === "queued" || current === "running") { poll(); }
}());
