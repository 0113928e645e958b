/* jianbao: case browsing on the cases index, as a township official does it.
 *
 * Facets combine (发展模式 × 地区 × 主题 × 年度); each chip shows how many cases the selection
 * would have with it; region chips follow the hierarchy (the provinces and cities, then the
 * selected region's ancestors and sub-regions). The selection lives in the address
 * (#model=…&region=…&tag=…&year=…), so it can be bookmarked and sent, and Back undoes it.
 * Data: window.jianbaoCases from cases/cases-data.js (generator/facets.py).
 * Without JS the page keeps its single-facet links (cases/<kind>/<value>/); this script hides
 * them and shows the combined view instead.
 */
(function () {
  "use strict";

  var KINDS = [["model", "发展模式"], ["region", "地区"], ["tag", "主题"], ["year", "年度"]];
  var STEP = 50;

  function parseHash() {
    var selection = {};
    var text = window.location.hash.replace(/^#/, "");
    if (!text) return selection;
    text.split("&").forEach(function (part) {
      var pair = part.split("=");
      if (pair.length !== 2) return;
      try {
        var key = decodeURIComponent(pair[0]);
        var value = decodeURIComponent(pair[1]);
        if (KINDS.some(function (k) { return k[0] === key; }) && value) selection[key] = value;
      } catch (error) { /* a malformed address selects nothing */ }
    });
    return selection;
  }

  function formatHash(selection) {
    return KINDS.filter(function (k) { return selection[k[0]]; })
      .map(function (k) { return encodeURIComponent(k[0]) + "=" + encodeURIComponent(selection[k[0]]); })
      .join("&");
  }

  function inRegion(region, path) {
    return region === path || region.indexOf(path + "/") === 0;
  }

  function matches(item, selection, skip) {
    if (skip !== "model" && selection.model && item.model !== selection.model) return false;
    if (skip !== "region" && selection.region && !inRegion(item.region, selection.region)) return false;
    if (skip !== "tag" && selection.tag && item.tags.indexOf(selection.tag) < 0) return false;
    if (skip !== "year" && selection.year && item.year !== selection.year) return false;
    return true;
  }

  function valueOf(item, kind, value) {
    if (kind === "model") return item.model === value;
    if (kind === "region") return inRegion(item.region, value);
    if (kind === "tag") return item.tags.indexOf(value) >= 0;
    return item.year === value;
  }

  /* Region chips shown: 省 and 市, plus the selected region's ancestors and direct sub-regions. */
  function regionShown(path, selected) {
    var depth = path.split("/").length;
    if (depth <= 2) return true;
    if (!selected) return false;
    if (inRegion(selected, path)) return true;  // an ancestor of the selection, or itself
    var parent = path.slice(0, path.lastIndexOf("/"));
    return parent === selected;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(item, offline) {
    var li = element("li", "jb-case-card");
    var link = element("a");
    link.href = encodeURIComponent(item.id) + (offline ? "/index.html" : "/");
    link.appendChild(element("strong", "", item.title));
    li.appendChild(link);
    li.appendChild(document.createElement("br"));
    var meta = [item.region.split("/").join(" / ")];
    if (item.date) meta.push(item.date);
    if (item.modelName) meta.push(item.modelName);
    li.appendChild(element("span", "jb-muted", meta.join(" · ")));
    li.appendChild(document.createElement("br"));
    li.appendChild(document.createTextNode(item.summary));
    return li;
  }

  function start() {
    var root = document.getElementById("jb-facets");
    var data = window.jianbaoCases;
    if (!root || !data || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "true");
    var offline = root.getAttribute("data-offline") === "true";
    var groups = root.querySelector(".jb-facet-groups");
    var status = root.querySelector(".jb-facet-status");
    var results = root.querySelector(".jb-facet-results");
    // Buttons are made here: the page itself carries no form elements (tests/htmlsafety.py).
    var more = element("button", "md-button jb-facet-more", "再显示 " + STEP + " 个");
    more.type = "button";
    more.hidden = true;
    root.querySelector(".jb-facet-more-wrap").appendChild(more);
    var shown = STEP;

    function choose(kind, value) {
      var selection = parseHash();
      if (value === null || selection[kind] === value) delete selection[kind];
      else selection[kind] = value;
      // the chips are drawn again: keep the keyboard focus on the one just pressed
      root.setAttribute("data-focus", kind + "\u0000" + (value === null ? "" : value));
      var hash = formatHash(selection);
      if (hash) window.location.hash = hash;
      else if (window.location.hash) {
        history.pushState(null, "", window.location.pathname + window.location.search);
        render();
      }
    }

    function chip(kind, value, label, count, pressed) {
      var button = element("button", "jb-chip");
      button.type = "button";
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      button.setAttribute("data-kind", kind);
      button.setAttribute("data-value", value === null ? "" : value);
      button.appendChild(document.createTextNode(label));
      if (count !== null) button.appendChild(element("span", "jb-count", String(count)));
      button.addEventListener("click", function () { choose(kind, value); });
      return button;
    }

    function render() {
      var selection = parseHash();
      // A chip that has the focus keeps it after the chips are drawn again (render runs on hashchange and popstate).
      var active = document.activeElement;
      if (!root.getAttribute("data-focus") && active && groups.contains(active) && active.getAttribute("data-kind")) {
        root.setAttribute("data-focus", active.getAttribute("data-kind") + "\u0000" + active.getAttribute("data-value"));
      }
      while (groups.firstChild) groups.removeChild(groups.firstChild);
      KINDS.forEach(function (k) {
        var kind = k[0];
        var others = data.cases.filter(function (item) { return matches(item, selection, kind); });
        var row = element("div", "jb-facet");
        row.setAttribute("role", "group");
        row.setAttribute("aria-label", k[1]);
        row.appendChild(element("span", "jb-facet-label", k[1] + "："));
        row.appendChild(chip(kind, null, "全部", null, !selection[kind]));
        data.facets[kind].forEach(function (pair) {
          var value = pair[0];
          if (kind === "region" && !regionShown(value, selection.region)) return;
          var count = others.filter(function (item) { return valueOf(item, kind, value); }).length;
          var pressed = selection[kind] === value;
          if (!count && !pressed) return;
          var label = kind === "region" && value.split("/").length > 2 ? value.split("/").slice(1).join(" / ") : pair[1];
          row.appendChild(chip(kind, value, label, count, pressed));
        });
        groups.appendChild(row);
      });
      var found = data.cases.filter(function (item) { return matches(item, selection, null); });
      var parts = KINDS.filter(function (k) { return selection[k[0]]; }).map(function (k) {
        var pair = data.facets[k[0]].filter(function (p) { return p[0] === selection[k[0]]; })[0];
        return k[1] + "“" + (pair ? (k[0] === "region" ? pair[0].split("/").join(" / ") : pair[1]) : selection[k[0]]) + "”";
      });
      status.textContent = (parts.length ? parts.join("，") + "：" : "") + "共 " + found.length + " 个案例";
      while (results.firstChild) results.removeChild(results.firstChild);
      found.slice(0, shown).forEach(function (item) { results.appendChild(card(item, offline)); });
      more.hidden = found.length <= shown;
      var focus = root.getAttribute("data-focus");
      if (focus) {
        root.removeAttribute("data-focus");
        var sep = focus.indexOf("\u0000");
        var buttons = groups.querySelectorAll("button.jb-chip");
        for (var i = 0; i < buttons.length; i++) {
          if (buttons[i].getAttribute("data-kind") === focus.slice(0, sep) && buttons[i].getAttribute("data-value") === focus.slice(sep + 1)) {
            buttons[i].focus();
            break;
          }
        }
      }
    }

    more.addEventListener("click", function () { shown += STEP; render(); });
    window.addEventListener("hashchange", function () { shown = STEP; render(); });
    window.addEventListener("popstate", function () { shown = STEP; render(); });  // back to the page without a selection
    var fallback = document.querySelector(".jb-static-list");
    if (fallback) fallback.hidden = true;
    root.hidden = false;
    render();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
