/* jianbao: turn every static chart (.jb-chart) into an interactive Vega-Lite view.
 *
 * Each figure carries its spec in <script type="application/json" class="jb-chart-spec">.
 * The static SVG twin stays visible until vegaEmbed has succeeded, so readers
 * without JS, with a failed embed, or printing the page see the same chart.
 * Material's instant navigation swaps page content without reloading scripts:
 * `document$` emits on every page load, and a data attribute on each figure
 * keeps a figure from being rendered twice.
 */
(function () {
  "use strict";

  function renderFigure(figure) {
    if (figure.getAttribute("data-jb-chart")) return;  // pending, done or failed
    var specNode = figure.querySelector("script.jb-chart-spec");
    var view = figure.querySelector(".jb-chart-view");
    if (!specNode || !view) return;
    var spec;
    try {
      spec = JSON.parse(specNode.textContent);
    } catch (error) {
      figure.setAttribute("data-jb-chart", "failed");
      console.error("jianbao: 图表数据无法解析", figure.id, error);
      return;
    }
    figure.setAttribute("data-jb-chart", "pending");
    window.vegaEmbed(view, spec, { actions: false, renderer: "svg" }).then(
      function () {
        figure.setAttribute("data-jb-chart", "done");
        figure.classList.add("jb-chart--live");
      },
      function (error) {
        figure.setAttribute("data-jb-chart", "failed");
        while (view.firstChild) view.removeChild(view.firstChild);
        console.error("jianbao: 交互图表加载失败，显示静态图", figure.id, error);
      }
    );
  }

  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") return;  // static twins stay
    var figures = document.querySelectorAll("figure.jb-chart");
    for (var i = 0; i < figures.length; i++) renderFigure(figures[i]);
  }

  if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(renderCharts);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderCharts);
  } else {
    renderCharts();
  }
})();
