/* Charts of the inventory pages (ECharts, canvas renderer).
 * Each container names its chart in data-chart and the JSON block with the data in
 * data-source; the block holds one entry per chart (see inventory/views.py). Drawing sets
 * data-drawn="true" on the container. No inline scripts: the content security policy forbids
 * them. */
(function () {
  "use strict";

  var PALETTE = ["#1f6f8b", "#e07b39", "#2e7d4f", "#7b4f9d", "#b42318", "#8a5a00", "#4b5563"];
  var lang = document.documentElement.lang || "zh-Hans";

  function fmt(value, digits) {
    if (value === null || value === undefined || isNaN(value)) {
      return "—";
    }
    return Number(value).toLocaleString(lang, {
      maximumFractionDigits: digits === undefined ? 1 : digits
    });
  }

  function base(unit) {
    return {
      animation: false,
      aria: { enabled: true },
      color: PALETTE,
      textStyle: { fontFamily: "inherit" },
      grid: { left: 12, right: 24, top: 64, bottom: 12, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return fmt(v) + (unit ? " " + unit : ""); } }
    };
  }

  var builders = {
    sectors: function (data) {
      var names = data.items.map(function (d) { return d.name; });
      var option = base(data.unit);
      option.legend = { top: 0 };
      option.xAxis = { type: "category", data: names, axisLabel: { interval: 0, width: 90, overflow: "break" } };
      option.yAxis = { type: "value", name: data.unit, nameTextStyle: { align: "left" } };
      if (data.gases && data.gases.length) {
        option.series = data.gases.map(function (g) {
          return { name: g.gas, type: "bar", stack: "gas", data: g.values, emphasis: { focus: "series" } };
        });
      } else {
        option.series = [{ type: "bar", data: data.items.map(function (d) { return d.value; }) }];
      }
      return option;
    },
    pareto: function (data) {
      var option = base("%");
      var labels = data.labels || {};
      option.legend = { top: 0 };
      option.xAxis = { type: "category", data: data.items.map(function (d) { return d.label; }), axisLabel: { rotate: 40, fontSize: 10 } };
      option.yAxis = { type: "value", max: 100, name: "%" };
      option.series = [
        {
          name: labels.share, type: "bar",
          data: data.items.map(function (d) {
            return { value: d.share, itemStyle: { color: d.key ? "#1f6f8b" : "#9fb7c3" } };
          })
        },
        {
          name: labels.cumulative, type: "line", symbolSize: 5, color: "#e07b39",
          data: data.items.map(function (d) { return d.cumulative; }),
          markLine: data.threshold ? {
            silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#b42318" },
            label: { position: "insideEndTop", formatter: (labels.threshold || "") + " " + data.threshold + " %" },
            data: [{ yAxis: data.threshold }]
          } : undefined
        }
      ];
      return option;
    },
    uncertainty: function (data) {
      var items = data.items.slice().reverse();
      var option = base("%");
      option.tooltip = {
        trigger: "item",
        formatter: function (p) {
          var d = items[p.dataIndex];
          return echarts.format.encodeHTML(d.name) + "<br>" + fmt(d.lower) + " – " + fmt(d.upper) +
            " (" + fmt(d.estimate) + ") " + data.unit + "<br>" + fmt(d.lower_pct) + " % … +" +
            fmt(d.upper_pct) + " %";
        }
      };
      option.yAxis = { type: "category", data: items.map(function (d) { return d.name; }), axisLabel: { width: 220, overflow: "truncate" } };
      option.xAxis = { type: "value", name: data.axis, nameLocation: "middle", nameGap: 28 };
      option.grid.top = 16;
      option.grid.bottom = 36;
      option.series = [
        {
          type: "custom",
          data: items.map(function (d, i) { return [d.lower_pct, d.upper_pct, i]; }),
          renderItem: function (params, api) {
            var low = api.coord([api.value(0), api.value(2)]);
            var high = api.coord([api.value(1), api.value(2)]);
            var cap = api.size([0, 1])[1] * 0.25;
            var style = { stroke: "#1f6f8b", lineWidth: 2 };
            return {
              type: "group",
              children: [
                { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
                { type: "line", shape: { x1: low[0], y1: low[1] - cap, x2: low[0], y2: low[1] + cap }, style: style },
                { type: "line", shape: { x1: high[0], y1: high[1] - cap, x2: high[0], y2: high[1] + cap }, style: style }
              ]
            };
          },
          encode: { x: [0, 1], y: 2 }
        },
        {
          type: "scatter", symbolSize: 8, color: "#e07b39",
          data: items.map(function (d, i) { return [0, i]; })
        }
      ];
      return option;
    },
    series: function (data) {
      var option = base(data.unit);
      option.legend = { top: 0 };
      option.xAxis = { type: "category", data: data.years };
      option.yAxis = { type: "value", name: data.unit };
      option.series = data.sectors.map(function (s) {
        return { name: s.name, type: "bar", stack: "sector", data: s.values };
      });
      option.series.push({ name: data.total_label, type: "line", data: data.total, color: "#111827", symbolSize: 7 });
      return option;
    },
    ceads: function (data) {
      var option = base(data.unit);
      option.legend = { top: 0 };
      option.xAxis = { type: "category", data: data.years };
      option.yAxis = { type: "value", name: data.unit, scale: true };
      option.series = [
        { name: data.reference_label, type: "line", data: data.reference, color: "#4b5563", symbolSize: 5 },
        { name: data.inventory_label, type: "line", data: data.inventory, color: "#1f6f8b", symbolSize: 8, connectNulls: false }
      ];
      return option;
    }
  };

  function draw(container) {
    var source = document.getElementById(container.dataset.source);
    var build = builders[container.dataset.chart];
    if (!source || !build || typeof echarts === "undefined") {
      return;
    }
    var all = JSON.parse(source.textContent);
    var data = all[container.dataset.chart];
    if (!data) {
      return;
    }
    var chart = echarts.init(container, null, { renderer: "canvas" });
    chart.setOption(build(data));
    if (container.dataset.chart === "sectors") {
      chart.on("click", function (params) {
        var item = data.items[params.dataIndex];
        if (item) {
          window.location.hash = "sector-" + item.id;
        }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
    container.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var charts = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < charts.length; i += 1) {
      draw(charts[i]);
    }
  });
})();
