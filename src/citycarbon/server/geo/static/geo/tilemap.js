/* The schematic tile map of jurisdictions (ECharts, SVG renderer).
 * Reads the tiles from the JSON block named by data-tiles on the container; each tile is
 * {code, name, kind, kind_label, col, row, colour, url}. Clicking a tile opens its page.
 * A name is laid out to stay inside its tile: wrapped between words (English) or characters
 * (Chinese, never before a closing bracket), shrunk until it fits, and only as a last resort
 * cut with an ellipsis (the tooltip has the whole name). */
(function () {
  "use strict";

  var FONT = "sans-serif";  /* ECharts' default family, so measuring matches drawing */
  var LINE = 1.2;           /* line height, in font sizes */
  var MIN_SIZE = 7;
  var measurer = null;

  function textWidth(text, size) {
    if (!measurer) {
      measurer = document.createElement("canvas").getContext("2d");
    }
    measurer.font = "600 " + size + "px " + FONT;
    return measurer.measureText(text).width;
  }

  /* Pieces a line may break between: Latin words (after a hyphen too), single CJK characters
   * with opening brackets kept on the next piece and closing punctuation on the previous. */
  function pieces(text) {
    var raw = text.match(/\s+|[A-Za-z0-9'\u2019.]+-?|./g) || [];
    var out = [];
    var pendingOpen = "";
    for (var i = 0; i < raw.length; i += 1) {
      var piece = raw[i];
      if (/^[\uff08(\u300a\u201c\u2018\u300c]$/.test(piece)) {
        pendingOpen += piece;
      } else if (/^[\uff09)\u300b\u201d\u2019\u300d\uff0c\u3001\u3002,.:;]$/.test(piece) && out.length) {
        out[out.length - 1] += piece;
      } else {
        out.push(pendingOpen + piece);
        pendingOpen = "";
      }
    }
    if (pendingOpen) {
      out.push(pendingOpen);
    }
    return out;
  }

  /* Greedy lines of ``parts`` no wider than ``width`` at ``size``; null if a piece alone is
   * wider (then a smaller size is tried). */
  function wrap(parts, width, size) {
    var lines = [];
    var line = "";
    for (var i = 0; i < parts.length; i += 1) {
      var part = parts[i];
      if (/^\s+$/.test(part)) {
        if (line) {
          line += " ";
        }
        continue;
      }
      if (textWidth(part, size) > width) {
        return null;
      }
      var candidate = line + part;
      if (!line || textWidth(candidate.trim(), size) <= width) {
        line = candidate;
      } else {
        lines.push(line.trim());
        line = part;
      }
    }
    if (line.trim()) {
      lines.push(line.trim());
    }
    return lines;
  }

  /* {text, fontSize, lineHeight} for ``name`` inside a box of ``width`` × ``height``. */
  function fitLabel(name, width, height, largest) {
    var parts = pieces(name);
    for (var size = largest; size >= MIN_SIZE; size -= 0.5) {
      var lines = wrap(parts, width, size);
      if (lines && lines.length * size * LINE <= height) {
        return { text: lines.join("\n"), fontSize: size, lineHeight: size * LINE };
      }
    }
    /* Still too long at the smallest size: break anywhere and cut the last line that fits. */
    var chars = Array.from(name);
    var rows = wrap(chars, width, MIN_SIZE) || chars;
    var room = Math.max(1, Math.floor(height / (MIN_SIZE * LINE)));
    if (rows.length > room) {
      rows = rows.slice(0, room);
      var last = rows[room - 1];
      while (last.length > 1 && textWidth(last + "\u2026", MIN_SIZE) > width) {
        last = Array.from(last).slice(0, -1).join("");
      }
      rows[room - 1] = last + "\u2026";
    }
    return { text: rows.join("\n"), fontSize: MIN_SIZE, lineHeight: MIN_SIZE * LINE };
  }

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
          var pad = Math.min(10, w * 0.1);
          var label = fitLabel(tile.name, w - pad, h - pad, Math.max(11, Math.min(15, w / 7)));
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
                  text: label.text,
                  x: centre[0],
                  y: centre[1],
                  align: "center",
                  verticalAlign: "middle",
                  fill: "#ffffff",
                  fontFamily: FONT,
                  fontSize: label.fontSize,
                  lineHeight: label.lineHeight,
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
