/* Only in sites built for a web server (jianbao build without --offline), opened from a file:
   links to folders ("briefings/") would show a directory listing, and search cannot load its
   index. Links get their index.html, and a note says how to get a site that opens from files. */
(function () {
  if (location.protocol !== "file:") return;
  function fix() {
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") continue;
      var cut = href.search(/[?#]/);
      var path = cut < 0 ? href : href.slice(0, cut);
      if (path === "" || path.slice(-1) === "/" || path === "." || path === "..") {
        links[i].setAttribute("href", path + (path === "" || path.slice(-1) === "/" ? "" : "/") + "index.html" + (cut < 0 ? "" : href.slice(cut)));
      }
    }
    if (document.querySelector(".jb-file-note")) return;
    var note = document.createElement("div");
    note.className = "jb-file-note";
    note.setAttribute("role", "note");
    note.textContent = "提示：这是发布到网站服务器用的站点（jianbao build），直接从文件打开时搜索不能用。" +
      "要从文件直接打开，请用 jianbao build --offline 生成离线站点；本机预览请运行 jianbao serve。";
    document.body.insertBefore(note, document.body.firstChild);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
})();
