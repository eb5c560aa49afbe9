/* govsocial report: search and sort the bodies, show one body's evidence, recolour the map.
 *
 * Everything from the data goes into the page as text (textContent), never as markup; a link is
 * made only of an http(s) URL. The data files call govsocial.addBodies and govsocial.addDetails.
 */
(function () {
  "use strict";

  var messages = JSON.parse(document.getElementById("report-messages").textContent);
  var text = messages.text;
  var LIMIT = 200;
  var bodies = [];
  var details = {};
  var loading = {};
  var sortColumn = 1;
  var sortUp = true;
  var wanted = null;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  function integer(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, messages.thousands);
  }

  function percent(count, of) {
    if (!of) {
      return "–";
    }
    return (100 * count / of).toFixed(1).replace(".", messages.decimal) + messages.percent;
  }

  function element(tag, content, className) {
    var node = document.createElement(tag);
    if (content !== undefined && content !== null) {
      node.textContent = String(content);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function link(url, label) {
    if (typeof url === "string" && /^https?:\/\//i.test(url)) {
      var anchor = element("a", label || url);
      anchor.href = url;
      anchor.rel = "noopener noreferrer nofollow";
      return anchor;
    }
    return element("span", label || url || "");
  }

  function observation(row) {
    if (row[4] === "outage") {
      return format(text.outage, { run: row[5] });
    }
    return text[row[4]] || row[4];
  }

  /* The bodies list */

  function haystack(row) {
    return [row[0], row[1], row[2], row[3], row[8].join(" ")].join(" ").toLowerCase();
  }

  function matches() {
    var query = document.getElementById("body-search").value.trim().toLowerCase();
    var words = query ? query.split(/\s+/) : [];
    return bodies.filter(function (row) {
      return words.every(function (word) {
        return row.search.indexOf(word) !== -1;
      });
    });
  }

  function compare(a, b) {
    var x = a[sortColumn];
    var y = b[sortColumn];
    var order = typeof x === "number" && typeof y === "number"
      ? x - y
      : String(x).localeCompare(String(y));
    return sortUp ? order : -order;
  }

  function renderTable() {
    var found = matches().sort(compare);
    var body = document.querySelector("#body-table tbody");
    var rows = document.createDocumentFragment();
    found.slice(0, LIMIT).forEach(function (row) {
      var tr = element("tr");
      tr.dataset.body = row[0];
      var name = element("td");
      var open = element("a", row[1], "body-link");
      open.href = "#body=" + encodeURIComponent(row[0]);
      open.dataset.body = row[0];
      name.appendChild(open);
      tr.appendChild(name);
      tr.appendChild(element("td", row[0]));
      tr.appendChild(element("td", row[3]));
      tr.appendChild(element("td", row[2]));
      tr.appendChild(element("td", observation(row), "observation " + row[4]));
      tr.appendChild(element("td", integer(row[6]), "num"));
      tr.appendChild(element("td", integer(row[7]), "num"));
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
    document.getElementById("body-count").textContent = format(text.shown, {
      shown: integer(Math.min(LIMIT, found.length)),
      matches: integer(found.length),
      total: integer(bodies.length)
    });
  }

  /* One body's evidence */

  function table(headers, rows) {
    var node = element("table", null, "evidence");
    var head = element("tr");
    headers.forEach(function (header) {
      head.appendChild(element("th", header));
    });
    node.appendChild(element("thead")).appendChild(head);
    var body = node.appendChild(element("tbody"));
    rows.forEach(function (cells) {
      var tr = body.appendChild(element("tr"));
      cells.forEach(function (cell) {
        var td = tr.appendChild(element("td"));
        if (cell instanceof Node) {
          td.appendChild(cell);
        } else {
          td.textContent = cell === null || cell === undefined ? "" : String(cell);
        }
      });
    });
    return node;
  }

  function status(value) {
    return value ? text["status_" + value] || value : "";
  }

  function evidence(page, elementName, attribute, rule, value) {
    var wrap = element("span", null, "where");
    wrap.appendChild(link(page));
    wrap.appendChild(element("code", elementName + (attribute ? "[" + attribute + "]" : "")));
    wrap.appendChild(element("code", rule));
    wrap.appendChild(element("code", value, "value"));
    return wrap;
  }

  function accountRows(accounts) {
    return accounts.map(function (a) {
      return [a[0], link(a[2], a[1]), evidence(a[3], a[4], a[5], a[6], a[7]), a[8], a[9],
        status(a[10])];
    });
  }

  function trackerRows(trackers) {
    return trackers.map(function (t) {
      return [t[1], t[2] + " (" + t[3] + ")", t[4],
        t[5] ? text.consent_gated : text.consent_not_gated, t[6], t[7].join(" "),
        evidence(t[8], t[9], t[10], t[11], t[12]), t[13], t[14], status(t[15])];
    });
  }

  function fact(list, label, value) {
    if (value === null || value === undefined || value === "") {
      return;
    }
    list.appendChild(element("dt", label));
    var dd = list.appendChild(element("dd"));
    if (value instanceof Node) {
      dd.appendChild(value);
    } else {
      dd.textContent = String(value);
    }
  }

  function showDetail(bodyId) {
    var row = bodies.find(function (candidate) {
      return candidate[0] === bodyId;
    });
    var panel = document.getElementById("body-detail");
    if (!row) {
      return;
    }
    var detail = details[bodyId];
    if (!detail) {
      wanted = bodyId;
      panel.replaceChildren(element("p", text.detail_loading));
      panel.hidden = false;
      loadShard(row[9]);
      return;
    }
    var nodes = document.createDocumentFragment();
    var close = element("button", text.detail_close, "close");
    close.type = "button";
    close.addEventListener("click", function () {
      panel.hidden = true;
      history.replaceState(null, "", "#bodies");
    });
    nodes.appendChild(close);
    nodes.appendChild(element("h3", row[1]));
    var facts = nodes.appendChild(element("dl", null, "facts"));
    fact(facts, "Id", row[0]);
    fact(facts, text.detail_website, detail.website ? link(detail.website) : null);
    fact(facts, text.detail_parent, detail.parent);
    fact(facts, text.detail_population, detail.population === null ? null
      : integer(detail.population));
    fact(facts, text.detail_outcome, detail.outcome ? observation(row) + " (" + detail.outcome
      + ")" : observation(row));
    fact(facts, text.detail_findings_run, detail.run);
    nodes.appendChild(element("h4", text.detail_accounts));
    if (row[4] === "never_reached" || row[4] === "no_website") {
      nodes.appendChild(element("p", text.detail_not_observed));
    } else {
      if (row[4] === "outage") {
        nodes.appendChild(element("p", format(text.outage, { run: detail.run }), "outage"));
      }
      nodes.appendChild(detail.accounts.length
        ? table([text.platform, text.handle, text.value, text.first_seen, text.last_seen,
          text.status], accountRows(detail.accounts))
        : element("p", text.detail_none));
      nodes.appendChild(element("h4", text.detail_trackers));
      nodes.appendChild(detail.trackers.length
        ? table([text.tracker, text.vendor, text.category, text.consent, text.pages, text.ids,
          text.value, text.first_seen, text.last_seen, text.status],
        trackerRows(detail.trackers))
        : element("p", text.detail_none));
    }
    if (detail.rendered) {
      var r = detail.rendered;
      nodes.appendChild(element("h4", text.detail_rendered));
      var seen = nodes.appendChild(element("dl", null, "facts"));
      fact(seen, text.third_party_requests, integer(r[0]));
      fact(seen, text.third_party_hosts, integer(r[1]));
      fact(seen, text.third_party_cookies, integer(r[2]));
      fact(seen, text.trackers_requested, integer(r[3]));
      fact(seen, text.contacts, r[4].map(function (vendor) {
        return messages.vendors[vendor] || vendor;
      }).join(", ") || text.detail_none);
    }
    panel.replaceChildren(nodes);
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
  }

  function loadShard(shard) {
    if (loading[shard]) {
      return;
    }
    loading[shard] = true;
    var script = document.createElement("script");
    script.src = "data/bodies/" + String(shard).padStart(4, "0") + ".js";
    document.body.appendChild(script);
  }

  function followHash() {
    var match = /^#body=(.+)$/.exec(location.hash);
    if (match) {
      showDetail(decodeURIComponent(match[1]));
    }
  }

  /* The map */

  function colour(count, of) {
    if (!of) {
      return messages.noData;
    }
    var classes = messages.colours;
    return classes[Math.min(classes.length - 1, Math.floor(100 * count / of / 20))];
  }

  function recolour() {
    var data = JSON.parse(document.getElementById("map-data").textContent);
    var chosen = data[document.getElementById("map-metric").value];
    document.querySelectorAll("#map svg path[data-land]").forEach(function (path) {
      var land = path.getAttribute("data-land");
      var share = chosen.shares[land] || [0, 0];
      path.setAttribute("fill", colour(share[0], share[1]));
      var title = path.querySelector("title");
      title.textContent = land + ": " + (share[1]
        ? percent(share[0], share[1]) + " (" + format(text.share_of, {
          count: integer(share[0]), of: integer(share[1])
        }) + ")"
        : text.map_no_data);
    });
    document.querySelector("#map svg > title").textContent = chosen.label;
  }

  /* Wiring */

  window.govsocial = {
    addBodies: function (rows) {
      rows.forEach(function (row) {
        row.search = haystack(row);
      });
      bodies = rows;
      renderTable();
      followHash();
    },
    addDetails: function (found) {
      Object.keys(found).forEach(function (bodyId) {
        details[bodyId] = found[bodyId];
      });
      if (wanted && details[wanted]) {
        var bodyId = wanted;
        wanted = null;
        showDetail(bodyId);
      }
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var search = document.getElementById("body-search");
    if (search) {
      search.addEventListener("input", renderTable);
    }
    document.querySelectorAll("#body-table th[data-sort]").forEach(function (header) {
      header.addEventListener("click", function () {
        var column = Number(header.dataset.sort);
        sortUp = column === sortColumn ? !sortUp : true;
        sortColumn = column;
        renderTable();
      });
    });
    var metric = document.getElementById("map-metric");
    if (metric) {
      metric.addEventListener("change", recolour);
    }
    window.addEventListener("hashchange", followHash);
  });
}());
