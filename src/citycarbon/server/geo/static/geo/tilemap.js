/* The schematic tile map of jurisdictions (ECharts, SVG renderer).
 * Reads the tiles from the JSON block named by data-tiles on the container; each tile is
 * {code, name, kind, kind_label, col, row, colour, url}. Clicking a tile opens its page. */
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.dataset.tiles);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var tiles = JSON.parse(source.textContent);
    if (!tiles.length) {
      return;
    }
    var maxCol = Math.max.apply(null, tiles.map(function (t) { return t.col; }));
    var maxRow = Math.max.apply(null, tiles.map(function (t) { return t.row; }));
    var minCol = Math.min.apply(null, tiles.map(function (t) { return t.col; }));
    var minRow = Math.min.apply(null, tiles.map(function (t) { return t.row; }));
    var cols = maxCol - minCol + 1;
    var rows = maxRow - minRow + 1;

    function fitHeight() {
      var width = container.clientWidth || 640;
      container.style.height = Math.round(Math.min(width * rows / cols, 560)) + "px";
    }
    fitHeight();

    var chart = echarts.init(container, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: {
        formatter: function (params) {
          var tile = tiles[params.dataIndex];
          return echarts.format.encodeHTML(tile.name) + "<br>" +
            echarts.format.encodeHTML(tile.kind_label);
        }
      },
      grid: { left: 4, right: 4, top: 4, bottom: 4 },
      xAxis: { type: "value", min: minCol - 0.5, max: maxCol + 0.5, show: false },
      yAxis: { type: "value", min: minRow - 0.5, max: maxRow + 0.5, inverse: true, show: false },
      series: [{
        type: "custom",
        coordinateSystem: "cartesian2d",
        data: tiles.map(function (t) { return { value: [t.col, t.row], name: t.name }; }),
        renderItem: function (params, api) {
          var tile = tiles[params.dataIndex];
          var centre = api.coord([api.value(0), api.value(1)]);
          var size = api.size([1, 1]);
          var w = size[0] * 0.94;
          var h = size[1] * 0.92;
          return {
            type: "group",
            children: [
              {
                type: "rect",
                shape: { x: centre[0] - w / 2, y: centre[1] - h / 2, width: w, height: h, r: 6 },
                style: { fill: tile.colour, stroke: "#ffffff", lineWidth: 2 },
                emphasis: { style: { fill: tile.colour, stroke: "#111827", lineWidth: 3 } }
              },
              {
                type: "text",
                silent: true,
                style: {
                  text: tile.name,
                  x: centre[0],
                  y: centre[1],
                  width: w - 10,
                  overflow: "break",
                  align: "center",
                  verticalAlign: "middle",
                  fill: "#ffffff",
                  fontSize: Math.max(11, Math.min(15, w / 7)),
                  fontWeight: 600
                }
              }
            ]
          };
        }
      }]
    });
    chart.on("click", function (params) {
      var tile = tiles[params.dataIndex];
      if (tile && tile.url) {
        window.location.href = tile.url;
      }
    });
    window.addEventListener("resize", function () {
      fitHeight();
      chart.resize();
    });
    container.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var maps = document.querySelectorAll("[data-tile-map]");
    for (var i = 0; i < maps.length; i += 1) {
      draw(maps[i]);
    }
  });
})();
