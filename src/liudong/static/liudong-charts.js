// Issue 14 part 5: the statistics pages' charts, drawn by Apache ECharts (vendor/echarts-6.1.0,
// Apache-2.0) from the data the page puts on each chart's element (data-chart-data, JSON); the
// table beside each chart holds the same numbers, so the page reads the same without JavaScript.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var data;
    try { data = JSON.parse(el.getAttribute("data-chart-data") || "{}"); } catch (e) { return; }
    var categories = data.periods || data.names || [];
    if (!categories.length) { el.hidden = true; return; }
    var kind = el.getAttribute("data-chart") === "line" ? "line" : "bar";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 48 },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: (data.series || []).map(function (s) { return { name: s.name, type: kind, data: s.data }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
