/* jianbao search: the header box, the search page (search/?q=…) and the engine behind both.
 *
 * The index (generator/search_index.py) is a set of plain scripts under search/, loaded
 * with <script> tags only when the box is used, so the same code works over HTTP and from
 * file:// (no fetch, worker, module or wasm). Each script calls one function of window.JBS.
 *
 * Matching: a query is split into terms at anything that is not a letter or a digit; every
 * term must occur in the page as written (exact phrase). The postings of a term's
 * characters and character pairs give the candidates, and each candidate's own text is
 * checked before it is shown: no result from characters scattered over a page.
 * Ranking: title, then headings/summary/lead, then body; a whole dictionary word above a
 * match inside a longer one; then the document order (newest issues first).
 */
(function () {
  "use strict";

  var FORMAT = 2;
  var FIRST_BATCH = 3;  // document files loaded at once while checking candidates: few first (a first result
  var BATCH = 8;        // sooner), then more at a time
  var KIND_ORDER = ["简报", "案例", "发展模式", "地区", "页面"];
  var WORD = /[\p{L}\p{N}]/u;
  var DROPPED = /[\s“”‘’「」『』《》〈〉"']/gu;  // dropped, as search_text.normal_char drops whitespace and QUOTES

  var script = typeof document !== "undefined" ? document.currentScript : null;
  var root = script ? script.src.replace(/assets\/javascripts\/search\.js(?:[?#].*)?$/, "") : "";

  // --- loading: each index file is a script that calls JBS.<x>(…) ---------------------
  var state = { meta: null, shards: {}, singles: {}, docs: {}, words: null, postings: {}, loading: {} };

  var JBS = window.JBS = {
    root: function (value) { if (value !== undefined) root = value; return root; },
    m: function (meta) { state.meta = meta; },
    p: function (number, terms) { state.shards[number] = terms; },
    s: function (number, terms) { state.singles[number] = terms; },
    d: function (id, doc) { state.docs[id] = doc; },
    w: function (words) { state.words = words.map(normalize); },
    load: function (path) {  // replaced by the tests' loader outside a browser
      return new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = root + "search/" + path;
        tag.charset = "utf-8";
        tag.async = true;
        tag.onload = function () { tag.remove(); resolve(); };
        tag.onerror = function () { tag.remove(); reject(new Error("无法加载搜索索引：" + path)); };
        document.head.appendChild(tag);
      });
    },
  };

  function once(path, done) {
    if (done()) return Promise.resolve();
    if (!state.loading[path]) {
      state.loading[path] = JBS.load(path).then(function () {
        if (!done()) throw new Error("搜索索引文件无效：" + path);
      }, function (error) { delete state.loading[path]; throw error; });
    }
    return state.loading[path];
  }

  function loadMeta() {
    return once("meta.js", function () { return state.meta; }).then(function () {
      if (state.meta.format !== FORMAT) throw new Error("搜索索引的格式与页面脚本不一致，请重新构建站点");
      if (!state.meta.of) state.meta.of = { kind: runs(state.meta.kind), year: runs(state.meta.year), city: runs(state.meta.city) };
    });
  }
  function loadWords() { return once("words.js", function () { return state.words; }); }
  function loadShard(n) { return once("p/" + n + ".js", function () { return state.shards[n]; }); }
  function loadSingles(n) { return once("s/" + n + ".js", function () { return state.singles[n]; }); }
  function loadDoc(id) { return once("d/" + id + ".js", function () { return state.docs[id]; }); }

  // --- normalisation: the same as generator/search_text.py ---------------------------
  var charCache = new Map();
  function normalChar(ch) {
    if (ch === "\n") return ch;
    var known = charCache.get(ch);
    if (known === undefined) {
      known = ch.normalize("NFKC").toLowerCase().replace(DROPPED, "");
      charCache.set(ch, known);
    }
    return known;
  }
  function normalize(text) {
    var out = "";
    for (var ch of text) out += normalChar(ch);
    return out;
  }
  // normalised text with, for each of its UTF-16 units, where its character starts and ends in the original
  function mapped(text) {
    var norm = "", from = [], to = [], index = 0;
    for (var ch of text) {
      var n = normalChar(ch);
      for (var k = 0; k < n.length; k++) { from.push(index); to.push(index + ch.length); }
      norm += n;
      index += ch.length;
    }
    from.push(index);
    return { text: norm, from: from, to: to, original: text };
  }
  // where `length` normalised units from `at` are in the original: [start, end), without the dropped characters around them
  function span(text, at, length) { return [text.from[at], text.to[at + length - 1]]; }
  function terms(query) {  // spaces separate terms (normalize drops them), as does any non-word character
    var out = [];
    query.split(/\s+/u).forEach(function (part) {
      var run = "";
      for (var ch of normalize(part) + " ") {
        if (WORD.test(ch)) { run += ch; continue; }
        if (run && out.indexOf(run) < 0) out.push(run);
        run = "";
      }
    });
    return out;
  }
  function grams(term) {
    var chars = Array.from(term);
    if (chars.length === 1) return chars;
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) {
      var gram = chars[i] + chars[i + 1];
      if (out.indexOf(gram) < 0) out.push(gram);
    }
    return out;
  }
  function fnv1a(term) {
    var h = 0x811c9dc5;
    for (var ch of term) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }

  function shardOf(term) { return fnv1a(Array.from(term)[0]) % state.meta.shards; }  // as search_index.shard_of
  function singlesOf(ch) { return fnv1a(ch) % state.meta.singles; }
  function isSingle(gram) { return Array.from(gram).length === 1; }
  function loadGram(gram) { return isSingle(gram) ? loadSingles(singlesOf(gram)) : loadShard(shardOf(gram)); }

  // --- postings ------------------------------------------------------------------------
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.";
  var DIGIT = {};
  for (var a = 0; a < ALPHABET.length; a++) DIGIT[ALPHABET[a]] = a;

  function numbers(code) {  // base-32 digits, lowest first; all but the last of a number from the upper half
    var out = [], value = 0, shift = 0;
    for (var i = 0; i < code.length; i++) {
      var digit = DIGIT[code[i]];
      if (digit >= 32) { value += (digit - 32) * Math.pow(2, shift); shift += 5; continue; }
      out.push(value + digit * Math.pow(2, shift));
      value = 0; shift = 0;
    }
    return out;
  }
  function runs(code) {  // search_index.encode_runs: a value per document id
    var list = numbers(code), out = [];
    for (var i = 0; i < list.length; i++) {
      var value = Math.floor(list[i] / 2), count = list[i] % 2 ? list[++i] + 2 : 1;
      for (var k = 0; k < count; k++) out.push(value);
    }
    return out;
  }

  function postings(gram) {  // Map id → best zone, or null when no page has the term
    if (gram in state.postings) return state.postings[gram];
    var code = isSingle(gram) ? state.singles[singlesOf(gram)][gram] : state.shards[shardOf(gram)][gram];
    var result = null;
    if (code && code[0] === "!") {  // two bits per document: zone + 1, 0 where absent
      result = new Map();
      for (var j = 1; j < code.length; j++) {
        var slot = DIGIT[code[j]];
        for (var b = 0; b < 3; b++) {
          var z = (slot >> (2 * b)) & 3;
          if (z) result.set((j - 1) * 3 + b, z - 1);
        }
      }
    } else if (code) {  // (gap - 1) * 3 + zone per document
      result = new Map();
      var previous = -1;
      numbers(code).forEach(function (value) {
        previous += Math.floor(value / 3) + 1;
        result.set(previous, value % 3);
      });
    }
    state.postings[gram] = result;
    return result;
  }

  // candidates: Map id → the best zone the query could match in (an upper bound on rank)
  function candidates(queryTerms) {
    var result = null;
    queryTerms.forEach(function (term) {
      var lists = grams(term).map(postings);
      if (lists.some(function (list) { return !list; })) { result = new Map(); return; }
      lists.sort(function (x, y) { return x.size - y.size; });
      var next = new Map();
      lists[0].forEach(function (zone, id) {
        if (result && !result.has(id)) return;
        var best = zone;
        for (var k = 1; k < lists.length; k++) {
          var other = lists[k].get(id);
          if (other === undefined) return;
          if (other > best) best = other;
        }
        if (result && result.get(id) > best) best = result.get(id);
        next.set(id, best);
      });
      result = next;
    });
    return result || new Map();
  }

  function facets(id) {
    var meta = state.meta;
    return { kind: meta.kinds[meta.of.kind[id]], year: meta.years[meta.of.year[id]] || 0, city: meta.cities[meta.of.city[id]] };
  }
  function passes(id, filters) {
    var f = facets(id);
    return (!filters.kind || f.kind === filters.kind) && (!filters.year || f.year === filters.year) &&
      (!filters.city || f.city === filters.city);
  }

  // --- checking a candidate against its text -----------------------------------------
  function fields(doc) {
    if (!doc._fields) {
      var list = [{ zone: 0, anchor: "", text: mapped(doc.t) }];
      if (doc.l) list.push({ zone: 1, anchor: "", text: mapped(doc.l) });
      doc.s.forEach(function (s) {
        if (s[1]) list.push({ zone: 1, anchor: s[0], text: mapped(s[1]) });
      });
      doc.s.forEach(function (s) {
        if (s[2]) list.push({ zone: 2, anchor: s[0], text: mapped(s[2]) });
      });
      doc._fields = list;
    }
    return doc._fields;
  }

  function insideLonger(text, at, term, longer) {
    for (var w = 0; w < longer.length; w++) {
      var word = longer[w];
      for (var k = word.indexOf(term); k >= 0; k = word.indexOf(term, k + 1)) {
        if (at - k >= 0 && text.substr(at - k, word.length) === word) return true;
      }
    }
    return false;
  }

  // {zone, partial, field, at} of a term's best occurrence in doc, or null
  function bestOccurrence(doc, term, longer) {
    var best = null;
    var list = fields(doc);
    for (var f = 0; f < list.length; f++) {
      var field = list[f];
      if (best && field.zone > best.zone) break;
      var text = field.text.text;
      for (var at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
        var partial = longer.length && insideLonger(text, at, term, longer) ? 1 : 0;
        if (!best || field.zone < best.zone || partial < best.partial) best = { zone: field.zone, partial: partial, field: field, at: at };
        if (!partial) break;
      }
      if (best && best.partial === 0 && best.zone === field.zone) break;
    }
    return best;
  }

  function check(id, queryTerms, longer) {
    var doc = state.docs[id];
    var found = [];
    for (var i = 0; i < queryTerms.length; i++) {
      var hit = bestOccurrence(doc, queryTerms[i], longer[i]);
      if (!hit) return null;
      found.push(hit);
    }
    var zone = 0, partial = 0;
    found.forEach(function (hit) { zone = Math.max(zone, hit.zone); partial = Math.max(partial, hit.partial); });
    return { id: id, doc: doc, zone: zone, partial: partial, hits: found, terms: queryTerms };
  }

  function compare(x, y) { return x.zone - y.zone || x.partial - y.partial || x.id - y.id; }

  /* A search: terms, candidates (in rank order, narrowed by filters) and the results
   * checked so far. more(n) checks candidates until n results are known in their final
   * order (or no candidate is left). */
  function Search(query, filters) {
    this.query = query;
    this.filters = filters || {};
    this.terms = terms(query);
    this.results = [];
    this.pending = [];
    this.all = [];
    this.facets = { kind: {}, year: {}, city: {} };
  }
  Search.prototype.start = function () {
    var self = this;
    if (!self.terms.length) return Promise.resolve(self);
    return Promise.all([loadMeta(), loadWords()]).then(function () {
      var needed = [];
      self.terms.forEach(function (term) { needed = needed.concat(grams(term)); });
      // the pairs that start with the last character: ready when the next one is typed
      var last = Array.from(self.terms[self.terms.length - 1]).pop();
      loadShard(shardOf(last)).catch(function () {});
      return Promise.all(needed.map(loadGram));
    }).then(function () {
      var found = candidates(self.terms);
      var ids = Array.from(found.keys());
      ids.forEach(function (id) {
        var f = facets(id);
        self.facets.kind[f.kind] = (self.facets.kind[f.kind] || 0) + 1;
        if (f.year) self.facets.year[f.year] = (self.facets.year[f.year] || 0) + 1;
        if (f.city) self.facets.city[f.city] = (self.facets.city[f.city] || 0) + 1;
      });
      self.pending = ids.filter(function (id) { return passes(id, self.filters); }).map(function (id) {
        return { id: id, zone: found.get(id) };
      }).sort(function (x, y) { return x.zone - y.zone || x.id - y.id; });
      self.candidates = self.pending.length;
      self.longer = self.terms.map(function (term) {
        return state.words.filter(function (w) { return w.length > term.length && w.indexOf(term) >= 0; });
      });
      return self;
    });
  };
  // how many of this.all are in their final order: a pending candidate ranks at best
  // (its zone bound, a whole word, its id), and the pending are sorted by (bound, id)
  Search.prototype.settled = function () {
    if (!this.pending.length) return this.all.length;
    var first = { zone: this.pending[0].zone, partial: 0, id: this.pending[0].id };
    var n = 0;
    while (n < this.all.length && compare(this.all[n], first) < 0) n++;
    return n;
  };
  Search.prototype.more = function (wanted) {
    var self = this;
    if (self.cancelled || self.settled() >= wanted || !self.pending.length) {
      self.results = self.all.slice(0, self.settled());
      return Promise.resolve(self);
    }
    var batch = self.pending.splice(0, self.all.length || self.checked ? BATCH : FIRST_BATCH);
    self.checked = (self.checked || 0) + batch.length;
    return Promise.all(batch.map(function (c) { return loadDoc(c.id); })).then(function () {
      batch.forEach(function (c) {
        var result = check(c.id, self.terms, self.longer);
        if (result) self.all.push(result);
      });
      self.all.sort(compare);
      if (self.onBatch && self.settled() && self.pending.length) {  // show what is final while the rest is checked
        self.results = self.all.slice(0, self.settled());
        self.onBatch(self);
      }
      return self.more(wanted);
    });
  };
  JBS.search = function (query, filters, wanted) {
    return new Search(query, filters).start().then(function (s) { return s.more(wanted || 10); });
  };
  JBS.terms = terms;
  JBS.normalize = normalize;

  // --- presenting a result -------------------------------------------------------------
  var STOPS = "。！？；!?;\n";
  function sentence(result) {  // {text, marks: [[start, end]…]} around the first term's best hit
    var hit = result.hits[0];
    var field = hit.field.zone === 0 ? pickBodyField(result) || hit.field : hit.field;
    var text = field.text, original = text.original;
    var at = field === hit.field ? hit.at : Math.max(0, text.text.indexOf(result.terms[0]));
    var bounds = span(text, at, result.terms[0].length), start = bounds[0], end = bounds[1];
    var left = start, right = end;
    while (left > 0 && STOPS.indexOf(original[left - 1]) < 0 && start - left < 60) left--;
    while (right < original.length && STOPS.indexOf(original[right - 1]) < 0 && right - end < 80) right++;
    var piece = original.slice(left, right).trim();
    var offset = original.indexOf(piece, left);
    var marks = [];
    result.terms.forEach(function (term) {
      var norm = text.text;
      for (var i = norm.indexOf(term); i >= 0; i = norm.indexOf(term, i + 1)) {
        var at = span(text, i, term.length);
        if (at[0] >= offset && at[1] <= offset + piece.length) marks.push([at[0] - offset, at[1] - offset]);
      }
    });
    marks.sort(function (x, y) { return x[0] - y[0]; });
    return {
      text: piece, marks: marks, anchor: field.anchor,
      before: left > 0 && STOPS.indexOf(original[left - 1]) < 0, after: right < original.length && STOPS.indexOf(original[right - 1]) < 0,
    };
  }
  function pickBodyField(result) {  // a title match: show the sentence of the text that also has the term
    var list = fields(result.doc);
    for (var f = 1; f < list.length; f++) if (list[f].text.text.indexOf(result.terms[0]) >= 0) return list[f];
    return list.length > 1 ? list[1] : null;
  }

  function appendMarked(parent, text, marks) {
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) return;
      if (m[0] > at) parent.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      parent.appendChild(mark);
      at = m[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function titleMarks(result) {
    var t = fields(result.doc)[0].text, marks = [];
    result.terms.forEach(function (term) {
      for (var i = t.text.indexOf(term); i >= 0; i = t.text.indexOf(term, i + 1)) marks.push(span(t, i, term.length));
    });
    return marks.sort(function (x, y) { return x[0] - y[0]; });
  }

  function href(result, excerpt) {
    var anchor = result.zone === 0 ? "" : excerpt.anchor;
    return root + result.doc.u + (anchor ? "#" + encodeURIComponent(anchor) : "");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function renderResult(link, result) {
    var excerpt = sentence(result);
    link.href = href(result, excerpt);
    var head = el("span", "jb-search-result__head");
    head.appendChild(el("span", "jb-search-result__kind", result.doc.k));
    var title = el("span", "jb-search-result__title");
    appendMarked(title, result.doc.t, titleMarks(result));
    head.appendChild(title);
    link.appendChild(head);
    var where = [result.doc.w, result.doc.d ? result.doc.d.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, "$1 年 $2 月 $3 日") : ""].filter(Boolean).join(" · ");
    if (where) link.appendChild(el("span", "jb-search-result__where", where));
    var text = el("span", "jb-search-result__text");
    if (excerpt.before) text.appendChild(document.createTextNode("…"));
    appendMarked(text, excerpt.text, excerpt.marks);
    if (excerpt.after) text.appendChild(document.createTextNode("…"));
    link.appendChild(text);
    return link;
  }

  // chips: kind, year and 市 of the candidates; a pressed chip narrows the results
  function renderChips(container, search, filters, limit, onChange) {
    container.textContent = "";
    var groups = [
      ["kind", "类型", KIND_ORDER.filter(function (k) { return search.facets.kind[k]; })],
      ["year", "年份", Object.keys(search.facets.year).map(Number).sort(function (x, y) { return y - x; })],
      ["city", "市", Object.keys(search.facets.city).sort(function (x, y) { return search.facets.city[y] - search.facets.city[x] || (x < y ? -1 : 1); })],
    ];
    groups.forEach(function (group) {
      var values = group[2].slice(0, limit);
      if (filters[group[0]] && values.indexOf(filters[group[0]]) < 0) values.push(filters[group[0]]);
      if (values.length < 2 && !filters[group[0]]) return;
      var box = el("div", "jb-search-chips__group");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "按" + group[1] + "筛选");
      values.forEach(function (value) {
        var chip = el("button", "jb-search-chip", group[0] === "year" ? value + " 年" : String(value));
        chip.type = "button";
        var pressed = filters[group[0]] === value;
        chip.setAttribute("aria-pressed", pressed ? "true" : "false");
        chip.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus in the box
        chip.addEventListener("click", function () {
          var next = Object.assign({}, filters);
          if (pressed) delete next[group[0]]; else next[group[0]] = value;
          onChange(next);
        });
        box.appendChild(chip);
      });
      container.appendChild(box);
    });
  }

  function searchPageUrl(query) {
    var page = root + "search/" + (location.protocol === "file:" ? "index.html" : "");
    return page + (query ? "?q=" + encodeURIComponent(query) : "");
  }

  // --- the header box: an ARIA combobox with a listbox of <a role="option"> -------------
  function HeaderBox(box) {
    var self = this;
    self.box = box;
    self.input = box.querySelector("input");
    self.panel = box.querySelector(".jb-search__panel");
    self.listbox = box.querySelector("[role=listbox]");
    self.status = box.querySelector(".jb-search-status");
    self.chips = box.querySelector(".jb-search-chips");
    self.all = box.querySelector(".jb-search__all");
    self.filters = {};
    self.active = -1;
    self.sequence = 0;
    box.hidden = false;
    box.querySelector("form").action = searchPageUrl("");
    self.input.addEventListener("focus", function () {
      loadMeta().catch(function () {});
      loadWords().catch(function () {});
      if (self.input.value) self.open();
    });
    self.input.addEventListener("input", function (event) {
      if (event.isComposing) return;
      self.filters = {};
      self.run();
    });
    self.input.addEventListener("compositionend", function () { self.run(); });
    self.input.addEventListener("keydown", function (event) { self.key(event); });
    box.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      self.go();
    });
    document.addEventListener("mousedown", function (event) { if (!box.contains(event.target)) self.close(); });
    box.addEventListener("focusout", function (event) { if (!box.contains(event.relatedTarget)) self.close(); });
  }
  HeaderBox.prototype.open = function () {
    if (!this.input.value.trim()) return this.close();
    this.panel.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };
  HeaderBox.prototype.close = function () {
    this.panel.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.select(-1);
  };
  HeaderBox.prototype.options = function () { return this.listbox.querySelectorAll("[role=option]"); };
  HeaderBox.prototype.select = function (index) {
    var options = this.options();
    this.active = index;
    for (var i = 0; i < options.length; i++) options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };
  HeaderBox.prototype.key = function (event) {
    var count = this.options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.panel.hidden) { this.open(); return; }
      if (!count) return;
      var step = event.key === "ArrowDown" ? 1 : -1;
      this.select(this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (!this.panel.hidden) this.close(); else { this.input.value = ""; this.input.blur(); }
    } else if (event.key === "Enter") {
      event.preventDefault();
      this.go();
    }
  };
  HeaderBox.prototype.go = function () {
    var option = this.active >= 0 ? this.options()[this.active] : null;
    location.href = option ? option.href : searchPageUrl(this.input.value.trim());
  };
  HeaderBox.prototype.run = function () {
    var self = this, query = self.input.value, sequence = ++self.sequence;
    if (!terms(query).length) { self.listbox.textContent = ""; self.close(); return; }
    self.open();
    self.status.textContent = "正在搜索…";
    if (self.search) self.search.cancelled = true;  // a query typed since: its documents load no more
    var search = self.search = new Search(query, self.filters);
    search.onBatch = function (partial) { if (sequence === self.sequence) self.show(partial); };
    search.start().then(function () { return search.more(8); }).then(function () {
      if (sequence !== self.sequence) return;
      self.show(search);
    }, function (error) {
      if (sequence !== self.sequence) return;
      self.status.textContent = error.message;
    });
  };
  HeaderBox.prototype.show = function (search) {
    var self = this;
    self.listbox.textContent = "";
    self.listbox.setAttribute("data-query", search.query);  // which query these results are for (tests, benchmark)
    search.results.slice(0, 8).forEach(function (result, i) {
      var option = el("a", "jb-search-result");
      option.setAttribute("role", "option");
      option.id = "jb-search-option-" + i;
      option.setAttribute("aria-selected", "false");
      option.tabIndex = -1;
      self.listbox.appendChild(renderResult(option, result));
    });
    self.active = -1;
    self.input.removeAttribute("aria-activedescendant");
    renderChips(self.chips, search, self.filters, 6, function (filters) { self.filters = filters; self.run(); });
    self.status.textContent = search.results.length ? "" : "没有找到包含“" + search.terms.join(" ") + "”的页面";
    self.all.hidden = !search.results.length;
    self.all.href = searchPageUrl(self.input.value.trim());
    self.all.textContent = search.candidates > search.results.length ? "在搜索页查看全部结果 →" : "在搜索页打开 →";
  };

  // --- the search page: search/?q=… ------------------------------------------------------
  var PAGE = 20;
  // the page's form is made here, not in the page's HTML: without JS it would do nothing
  var PAGE_FORM = [
    ["form", "jb-search-page-form", { role: "search" }, [
      ["label", "", { for: "jb-search-page-input" }, "搜索全站的简报、案例、发展模式和地区"],
      ["input", "", { id: "jb-search-page-input", name: "q", type: "search", autocomplete: "off", spellcheck: "false", placeholder: "输入词语，如 清化收 或 强村公司" }],
      ["button", "", { type: "submit" }, "搜索"],
    ]],
    ["div", "jb-search-chips", { id: "jb-search-page-chips" }],
    ["p", "jb-search-status", { id: "jb-search-page-status", role: "status", "aria-live": "polite" }],
    ["ol", "jb-search-page-results", { id: "jb-search-page-results", "aria-label": "搜索结果" }],
    ["p", "", {}, [["button", "jb-search-more", { type: "button", id: "jb-search-page-more", hidden: "" }, "显示更多结果"]]],
  ];
  function build(parent, specs) {
    specs.forEach(function (spec) {
      var node = el(spec[0], spec[1]);
      Object.keys(spec[2]).forEach(function (name) { node.setAttribute(name, spec[2][name]); });
      if (typeof spec[3] === "string") node.textContent = spec[3];
      else if (spec[3]) build(node, spec[3]);
      parent.appendChild(node);
    });
  }
  function SearchPage(page) {
    var self = this;
    build(page, PAGE_FORM);
    self.input = page.querySelector("input");
    self.list = page.querySelector(".jb-search-page-results");
    self.status = page.querySelector(".jb-search-status");
    self.chips = page.querySelector(".jb-search-chips");
    self.moreButton = page.querySelector(".jb-search-more");
    self.filters = {};
    self.sequence = 0;
    page.hidden = false;
    var params = new URLSearchParams(location.search);
    self.input.value = params.get("q") || "";
    page.querySelector("form").addEventListener("submit", function (event) { event.preventDefault(); self.run(true); });
    self.input.addEventListener("input", function (event) { if (!event.isComposing) { self.filters = {}; self.run(true); } });
    self.input.addEventListener("compositionend", function () { self.run(true); });
    self.moreButton.addEventListener("click", function () { self.more(); });
    if (self.input.value) self.run(false);
  }
  SearchPage.prototype.run = function (remember) {
    var self = this, query = self.input.value, sequence = ++self.sequence;
    if (remember) {
      try { history.replaceState(null, "", "?q=" + encodeURIComponent(query.trim())); } catch (error) { /* file:// in some browsers */ }
    }
    self.list.textContent = "";
    self.chips.textContent = "";
    self.moreButton.hidden = true;
    if (!terms(query).length) { self.status.textContent = ""; return; }
    self.status.textContent = "正在搜索…";
    if (self.search) self.search.cancelled = true;
    self.search = null;
    JBS.search(query, self.filters, PAGE).then(function (search) {
      if (sequence !== self.sequence) return;
      self.search = search;
      self.shown = 0;
      renderChips(self.chips, search, self.filters, 30, function (filters) { self.filters = filters; self.run(false); });
      self.show();
    }, function (error) { if (sequence === self.sequence) self.status.textContent = error.message; });
  };
  SearchPage.prototype.show = function () {
    var self = this, search = self.search;
    search.results.slice(self.shown).forEach(function (result) {
      var item = el("li", "jb-search-page-result");
      item.appendChild(renderResult(el("a", "jb-search-result"), result));
      self.list.appendChild(item);
    });
    self.shown = search.results.length;
    var left = search.pending.length;
    if (!self.shown) self.status.textContent = "没有找到包含“" + search.terms.join(" ") + "”的页面";
    else if (left) self.status.textContent = "已显示 " + self.shown + " 个结果，还有最多 " + left + " 个页面待查";
    else self.status.textContent = "共 " + self.shown + " 个结果";
    self.moreButton.hidden = !left;
  };
  SearchPage.prototype.more = function () {
    var self = this, search = self.search, sequence = self.sequence;
    if (!search) return;
    search.more(self.shown + PAGE).then(function () { if (sequence === self.sequence) self.show(); });
  };

  // --- start -----------------------------------------------------------------------------
  function start() {
    var box = document.querySelector("[data-jb-search]");
    if (box) {
      var header = new HeaderBox(box);
      document.addEventListener("keydown", function (event) {
        if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
        var target = event.target;
        if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
        event.preventDefault();
        header.input.focus();
      });
    }
    var page = document.getElementById("jb-search-page");
    if (page) new SearchPage(page);
  }
  if (typeof document !== "undefined" && document.addEventListener) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
