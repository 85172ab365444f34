// The job form follows the officer's choices: the period proposed for the chosen kind and
// province, the periods that work, the forms of period the kind accepts (hint and
// placeholder), and the links to the blank and sample workbooks.
(function () {
  "use strict";
  var form = document.querySelector("form.job-form[data-periods]");
  if (!form) { return; }
  var periods = JSON.parse(form.getAttribute("data-periods") || "{}");
  var hints = JSON.parse(form.getAttribute("data-period-hints") || "{}");
  var kind = form.elements.template, province = form.elements.province;
  var period = form.elements.period;
  var accepted = document.getElementById("period-accepted");
  var hint = document.getElementById("period-hint");
  var workbook = document.getElementById("workbook-link");
  var sample = document.getElementById("sample-link");

  function choice() {
    return (periods[kind.value] || {})[province.value] || {accepted: [], default: ""};
  }

  function links() {
    var query = new URLSearchParams({template: kind.value, province: province.value,
                                     period: period.value.trim()});
    workbook.href = workbook.getAttribute("data-base") + "?" + query.toString();
    sample.href = sample.getAttribute("data-pattern")
      .replace("__kind__", encodeURIComponent(kind.value));
  }

  // The proposed period, an empty one, or one offered before the change that the new kind
  // and province do not accept becomes the new default; any other period typed stays.
  var before = choice();
  function follow() {
    var now = choice(), typed = period.value.trim();
    if (!typed || typed === before.default ||
        (before.accepted.indexOf(typed) >= 0 && now.accepted.indexOf(typed) < 0)) {
      period.value = now.default;
    }
    accepted.textContent = now.accepted.length
      ? "Kỳ dùng được với loại báo cáo và tỉnh đã chọn: " + now.accepted.join(", ") + "."
      : "Chưa có kỳ báo cáo nào dùng được với loại báo cáo và tỉnh đã chọn.";
    var forms = hints[kind.value] || {hint: "", placeholder: ""};
    hint.textContent = forms.hint;
    period.placeholder = forms.placeholder;
    before = now;
    links();
  }

  // Sent once: the server holds its answer while a worker checks the data (up to
  // REPORTGEN_CHECK_WAIT seconds); a second click would send a second job.
  var submit = form.querySelector("button[type=submit]");
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    sending = true;
    submit.disabled = true;
    submit.textContent = "Đang kiểm tra số liệu…";
    submit.setAttribute("aria-busy", "true");
  });
  // Back from the next page (bfcache): the form can be sent again.
  window.addEventListener("pageshow", function () {
    sending = false;
    submit.disabled = false;
    submit.textContent = "Lập báo cáo";
    submit.removeAttribute("aria-busy");
  });

  kind.addEventListener("change", follow);
  province.addEventListener("change", follow);
  period.addEventListener("input", links);
  links();
}());
