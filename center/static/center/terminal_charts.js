// The terminal page's chart: disk, occupancy, unsent reports and people waiting over the
// last seven days, from the page's history.json, drawn by the vendored ECharts.
(function () {
  "use strict";
  var element = document.getElementById("history-chart");
  if (!element || !window.echarts) { return; }
  var labels = JSON.parse(element.dataset.labels);
  fetch(element.dataset.url, {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (history) {
      if (!history.at.length) {
        element.textContent = labels.empty;
        element.classList.add("empty");
        return;
      }
      var chart = echarts.init(element, null, {locale: "ZH"});
      function series(name, values, axis) {
        return {name: name, type: "line", yAxisIndex: axis, showSymbol: false,
                data: history.at.map(function (at, i) { return [at, values[i]]; })};
      }
      chart.setOption({
        animation: false,
        tooltip: {trigger: "axis"},
        legend: {top: 0},
        grid: {left: 56, right: 56, top: 40, bottom: 32},
        xAxis: {type: "time"},
        yAxis: [{type: "value", name: labels.disk}, {type: "value", minInterval: 1}],
        series: [series(labels.disk, history.disk_free_gb, 0),
                 series(labels.occupied, history.occupied, 1),
                 series(labels.unsent, history.unsent, 1),
                 series(labels.waiting, history.waiting, 1)]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
}());
