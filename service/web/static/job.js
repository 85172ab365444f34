// Polls the job's status resource and updates the page until the job is finished.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var statusUrl = section.getAttribute("data-status-url");
  var labels = JSON.parse(section.getAttribute("data-status-labels") || "{}");
  var stages = JSON.parse(section.getAttribute("data-stage-labels") || "{}");

  // The same table as the page's own (templates/_problems.html): the sheet, cell and
  // location columns when some item has one, the Vietnamese message, the code only in
  // data-code and title.
  function table(items, severity) {
    var sheets = items.some(function (p) { return p.sheet; });
    var cells = items.some(function (p) { return p.cell; });
    var places = items.some(function (p) { return p.location; });
    var located = sheets || cells;
    var t = document.createElement("table");
    t.className = "problems problems-" + severity;
    t.setAttribute("data-count", String(items.length));
    var caption = severity === "warning" ? "Lưu ý" : (located ? "Lỗi cần sửa" : "Lỗi");
    t.createCaption().textContent = caption + " (" + items.length + ")";
    var head = t.createTHead().insertRow();
    var heads = [sheets && "Trang", cells && "Ô", places && "Vị trí", "Nội dung"];
    heads.filter(Boolean).forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; head.appendChild(th);
    });
    var body = t.createTBody();
    items.forEach(function (p) {
      var row = body.insertRow();
      row.setAttribute("data-code", p.code);
      if (sheets) { row.insertCell().textContent = p.sheet || ""; }
      if (cells) { row.insertCell().textContent = p.cell || ""; }
      if (places) { row.insertCell().textContent = p.location || ""; }
      var message = row.insertCell();
      message.textContent = p.message;
      message.title = "Mã: " + p.code;
    });
    return t;
  }

  // Replace a container's table whenever the number of items changed (the container may
  // hold white space or an older table; never test for its first child).
  function list(id, items, severity) {
    var box = document.getElementById(id);
    if (box.getAttribute("data-count") === String(items.length)) { return; }
    box.replaceChildren();
    if (items.length) { box.appendChild(table(items, severity)); }
    box.setAttribute("data-count", String(items.length));
  }

  function show(job) {
    var running = job.status === "queued" || job.status === "running";
    var status = document.getElementById("job-status");
    status.textContent = labels[job.status] || job.status;
    status.className = "status status-" + job.status;
    document.getElementById("job-stage").textContent = stages[job.stage] || job.stage;
    document.getElementById("job-stage-box").hidden = !running;
    var progress = document.getElementById("job-progress");
    progress.value = job.progress;
    progress.hidden = !running;
    section.setAttribute("data-status", job.status);
    if (job.document) {
      var box = document.getElementById("job-download");
      box.querySelector("a").href = job.document.url;
      document.getElementById("job-pdf").href = job.document.pdf_url;
      document.getElementById("job-filename").textContent = job.document.filename;
      box.hidden = false;
    }
    list("job-errors", job.errors, "error");
    list("job-warnings", job.warnings, "warning");
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
