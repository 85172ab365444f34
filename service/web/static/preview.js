// The job page's preview of the document (page images of its PDF, one page at a time) and
// the job-control buttons that fit the job's state. Watches #job's data-status, which
// job.js keeps up to date, so it needs nothing else from that script.
(function () {
  "use strict";
  var job = document.getElementById("job");
  var box = document.getElementById("job-preview");
  if (!job || !box) { return; }
  var prefix = box.getAttribute("data-preview-url");
  var image = document.getElementById("preview-image");
  var label = document.getElementById("preview-page");
  var prev = document.getElementById("preview-prev");
  var next = document.getElementById("preview-next");
  var message = document.getElementById("preview-message");
  var page = 1, pages = 0, started = false;

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function buttons() {
    label.textContent = "Trang " + page + (pages ? "/" + pages : "");
    prev.disabled = page <= 1;
    next.disabled = !pages || page >= pages;
  }

  function show(n) {
    page = n;
    buttons();
    say(pages ? "" : "Đang tạo bản xem trước…");
    image.alt = "Trang " + n + " của báo cáo";
    image.src = prefix + n;
  }

  image.addEventListener("load", function () {
    image.hidden = false;
    say("");
    if (!pages) {
      // The page count arrives with the job's status once the PDF exists.
      fetch(job.getAttribute("data-status-url"), {headers: {Accept: "application/json"},
                                                  credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          pages = (j.document && j.document.pdf && j.document.pdf.pages) || 1;
          buttons();
        });
    }
  });
  image.addEventListener("error", function () {
    image.hidden = true;
    fetch(prefix + page, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (body) { say("Chưa có bản xem trước: " + body.error.message); })
      .catch(function () { say("Chưa có bản xem trước."); });
  });
  prev.addEventListener("click", function () { if (page > 1) { show(page - 1); } });
  next.addEventListener("click", function () { if (page < pages) { show(page + 1); } });

  function follow() {
    var status = job.getAttribute("data-status");
    var active = status === "queued" || status === "running";
    document.querySelectorAll("[data-when]").forEach(function (el) {
      el.hidden = (el.getAttribute("data-when") === "active") !== active;
    });
    if (status === "succeeded" && !started) {
      started = true;
      box.hidden = false;
      show(1);
    }
  }

  new MutationObserver(follow).observe(job, {attributes: true,
                                             attributeFilter: ["data-status"]});
  follow();
}());
