// jianbao 编辑器: live checks, list actions without a page load, pickers, Markdown and page previews.
// The form works without this script too (every button submits it); this makes it quicker.
(function () {
  "use strict";
  var form = document.getElementById("edit-form");
  var token = (document.querySelector('meta[name="jianbao-token"]') || {}).content || "";

  function post(url, data) {
    data.set("_token", token);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin" });
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // Markdown previews work on the home page's forms too (none there today), so they are set up first.
  function renderMarkdown(details) {
    var field = document.getElementById("f-" + details.dataset.for);
    var out = details.querySelector(".md-output");
    if (!field || !out || !details.open) return;
    var data = new FormData();
    data.set("text", field.value);
    post("/api/markdown", data).then(function (r) { return r.text(); }).then(function (html) { out.innerHTML = html; });
  }

  if (!form) return;
  var path = form.dataset.path;
  var state = document.getElementById("check-state");
  var sequence = 0;

  // ---------------------------------------------------------------- live checks

  function fieldFor(name) {
    var parts = name.split(".");
    while (parts.length) {
      var slot = document.getElementById("problem-" + parts.join("."));
      if (slot) return slot;
      parts.pop();
    }
    return document.getElementById("problem-");
  }

  function showProblems(result) {
    document.querySelectorAll(".problem").forEach(function (slot) { slot.hidden = true; slot.textContent = ""; });
    document.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    result.problems.forEach(function (p) {
      var slot = fieldFor(p.field);
      if (!slot) return;
      var line = document.createElement("span");
      line.className = "level-" + (p.level === "错误" ? "error" : p.level === "警告" ? "warning" : "note");
      line.textContent = p.level + "：" + p.message;
      if (slot.textContent) slot.appendChild(document.createElement("br"));
      slot.appendChild(line);
      slot.hidden = false;
      var input = document.getElementById("f-" + p.field);
      if (input && p.level === "错误") input.setAttribute("aria-invalid", "true");
    });
    var summary = document.getElementById("problem-summary");
    if (summary) summary.innerHTML = result.summary;
    if (state) state.textContent = result.errors ? "有 " + result.errors + " 个错误" : "检查通过";
  }

  function check() {
    var mine = ++sequence;
    if (state) state.textContent = "检查中…";
    post("/api/check/" + path, new FormData(form))
      .then(function (r) { return r.json(); })
      .then(function (result) { if (mine === sequence) showProblems(result); })
      .catch(function () { if (state) state.textContent = "无法检查：编辑器是否已关闭？"; });
  }
  var checkSoon = debounce(check, 150);

  form.addEventListener("input", function (event) {
    checkSoon();
    var details = event.target.id && document.querySelector('.md-preview[data-for="' + event.target.name + '"]');
    if (details) markdownSoon(details);
    if (event.target.dataset && event.target.dataset.picker) suggestSoon(event.target);
  });
  form.addEventListener("change", checkSoon);
  var markdownSoon = debounce(renderMarkdown, 250);

  // Enter in a one-line field neither saves nor adds an item (the form's first button would).
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && !event.isComposing) event.preventDefault();
  });

  // ---------------------------------------------------------------- list actions: add, remove, move

  form.addEventListener("click", function (event) {
    var button = event.target.closest('button[name="_action"]');
    if (!button) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("_action", button.value);
    post("/api/form/" + path, data)
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (result) {
        document.getElementById("form-fields").innerHTML = result.html;
        setUp(document.getElementById("form-fields"));
        var target = document.querySelector('[data-name="' + CSS.escape(result.focus) + '"]');
        var focusable = target && target.querySelector("input:not([type=hidden]), textarea, select, button");
        if (focusable) { focusable.focus(); target.scrollIntoView({ block: "center" }); }
        check();
      })
      .catch(function () { form.requestSubmit(button); });
  });

  // ---------------------------------------------------------------- pickers

  function suggest(input) {
    var data = new FormData(form);
    data.set("_field", input.name);
    data.set("_q", input.value);
    post("/api/suggest/" + path, data).then(function (r) { return r.json(); }).then(function (result) {
      var list = document.getElementById(input.getAttribute("list"));
      if (list) {
        list.textContent = "";
        result.options.forEach(function (o) {
          var option = document.createElement("option");
          option.value = o.value;
          option.label = o.label;
          option.textContent = o.label;
          list.appendChild(option);
        });
      }
      var picked = document.querySelector('.picked[data-for="' + CSS.escape(input.name) + '"]');
      if (picked) picked.textContent = result.picked;
    });
  }
  var suggestSoon = debounce(suggest, 120);

  // ---------------------------------------------------------------- preview

  var pane = document.getElementById("preview-pane");
  var frame = document.getElementById("preview-frame");
  document.querySelectorAll("[data-preview]").forEach(function (button) {
    button.addEventListener("click", function () {
      pane.hidden = false;
      form.closest(".editor").classList.add("previewing");
      frame.srcdoc = "<p style='font-family:sans-serif'>生成预览…</p>";
      post("/api/preview/" + path, new FormData(form)).then(function (r) { return r.text(); }).then(function (html) {
        frame.srcdoc = html;
        pane.scrollIntoView({ block: "start" });
      });
    });
  });

  // ---------------------------------------------------------------- set up (again after each list action)

  function setUp(root) {
    root.querySelectorAll(".md-preview").forEach(function (details) {
      details.addEventListener("toggle", function () { renderMarkdown(details); });
      if (details.open) renderMarkdown(details);
    });
    root.querySelectorAll("[data-picker]").forEach(function (input) {
      input.addEventListener("focus", function () { suggest(input); });
      if (input.value) suggest(input);
    });
    root.querySelectorAll("[data-placeholder-text]").forEach(function (field) {
      field.addEventListener("focus", function () { if (/【请填写/.test(field.value)) field.select(); }, { once: true });
      field.addEventListener("input", function () { if (!/【请填写/.test(field.value)) field.removeAttribute("data-placeholder-text"); });
    });
  }
  setUp(form);
  check();
})();
