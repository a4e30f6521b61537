/* The city dashboard's charts (ECharts, canvas renderer): intensity trajectories against the
 * required pace, and cumulative progress by jurisdiction coloured by warning level. Data come
 * from JSON blocks named by data-source on each chart container; labels from data-* attributes
 * (already in the page's language). */
(function () {
  "use strict";

  function data(container) {
    var source = document.getElementById(container.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function trajectories(container) {
    var d = data(container);
    if (!d || !d.series.length) { return null; }
    var chart = echarts.init(container, null, { renderer: "canvas" });
    var series = d.series.map(function (s) {
      return {
        name: s.name, type: "line", data: s.values, connectNulls: false, symbolSize: s.root ? 7 : 4,
        lineStyle: { width: s.root ? 3.5 : 1.4 }, emphasis: { focus: "series" }, z: s.root ? 5 : 2
      };
    });
    d.required.forEach(function (r) {
      series.push({
        name: container.dataset.paceLabel.replace("{target}", r.target), type: "line", data: r.values,
        symbol: "none", lineStyle: { type: "dashed", width: 2, color: "#111827" },
        itemStyle: { color: "#111827" }, z: 1
      });
    });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2) + " %"; } },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 56, right: 20, top: 30, bottom: 64 },
      xAxis: { type: "category", data: d.years.map(String), name: container.dataset.xLabel, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "value", name: container.dataset.yLabel, axisLabel: { formatter: "{value} %" } },
      series: series
    });
    return chart;
  }

  function progress(container) {
    var d = data(container);
    if (!d || !d.length) { return null; }
    var items = d.slice().reverse();  /* highest at the top */
    var time = d[0].time;
    var chart = echarts.init(container, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: {
        formatter: function (p) {
          var item = items[p.dataIndex];
          return echarts.format.encodeHTML(item.name) + "<br>" + item.progress.toFixed(2) + " %<br>" +
            echarts.format.encodeHTML(item.warning);
        }
      },
      grid: { left: 10, right: 60, top: 24, bottom: 30, containLabel: true },
      xAxis: { type: "value", name: container.dataset.xLabel, nameLocation: "middle", nameGap: 22, axisLabel: { formatter: "{value} %" } },
      yAxis: { type: "category", data: items.map(function (i) { return i.name; }) },
      series: [{
        type: "bar",
        data: items.map(function (i) { return { value: i.progress, itemStyle: { color: i.colour } }; }),
        label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(1) + " %"; } },
        markLine: time == null ? undefined : {
          symbol: "none", lineStyle: { type: "dashed", color: "#111827" },
          label: { formatter: container.dataset.timeLabel.replace("{time}", time.toFixed(0)) },
          data: [{ xAxis: time }]
        }
      }]
    });
    chart.on("click", function (p) {
      var item = items[p.dataIndex];
      if (item && item.url) { window.location.href = item.url; }
    });
    return chart;
  }

  function jurisdiction(container) {
    var d = data(container);
    if (!d || !d.years || !d.years.length) { return null; }
    var chart = echarts.init(container, null, { renderer: "canvas" });
    var labels = d.labels;
    function line(name, values, dashed, colour) {
      return { name: name, type: "line", data: values, symbolSize: dashed ? 0 : 6,
        lineStyle: { type: dashed ? "dashed" : "solid", width: dashed ? 2 : 3, color: colour },
        itemStyle: { color: colour } };
    }
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2) + " %"; } },
      legend: { bottom: 0, itemGap: 14 },
      grid: { left: 56, right: 20, top: 24, bottom: 76 },
      xAxis: { type: "category", data: d.years.map(String) },
      yAxis: { type: "value", axisLabel: { formatter: "{value} %" } },
      series: [
        line(labels.co2, d.co2, false, "#1f6f8b"),
        line(labels.co2_required, d.co2_required, true, "#1f6f8b"),
        line(labels.energy, d.energy, false, "#8a5a00"),
        line(labels.energy_required, d.energy_required, true, "#8a5a00")
      ]
    });
    return chart;
  }

  var kinds = { trajectories: trajectories, progress: progress, jurisdiction: jurisdiction };

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (container) {
      var draw = kinds[container.dataset.chart];
      var chart = draw ? draw(container) : null;
      if (chart) {
        charts.push(chart);
        container.dataset.drawn = "true";
      }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
})();
