/* ethicard form: builds the questionnaire from the embedded checklist and card JSON Schema.
   Plain JavaScript, no library, no request: the page's CSP forbids every fetch. */
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('ethicard-data').textContent);
  var schema = cfg.schema;
  var defs = schema.$defs || {};
  var checklist = cfg.checklist;
  var LABELS = cfg.labels || {};
  var MARKS = { 'addressed': '\u2714', 'partial': '\u25d0', 'not addressed': '\u2718', 'not applicable': '\u2298', 'unanswered': '\u26a0' };
  var CREDIT = { 'addressed': 1, 'partial': 0.5, 'not addressed': 0 };
  var NUMBER_TEXT = /^\s*[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][-+]?\d+)?\s*$/;
  var app = document.getElementById('app');
  var counter = 0;

  /* --- small DOM helpers -------------------------------------------------------------- */

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      if (attrs[name] === null || attrs[name] === undefined || attrs[name] === false) continue;
      if (name === 'text') el.textContent = attrs[name];
      else if (name === 'cls') el.className = attrs[name];
      else el.setAttribute(name, attrs[name] === true ? '' : attrs[name]);
    }
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return el;
  }

  function uid(prefix) { counter += 1; return prefix + '-' + counter; }

  function humanise(key) {
    if (LABELS[key]) return LABELS[key];
    var words = String(key).replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function isEmpty(value) {
    return value === undefined || value === null || value === '' ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  }

  /* --- the schema, read as the kinds of input it asks for --------------------------------- */

  function deref(s) {
    var guard = 0;
    while (s && s.$ref && guard < 50) { s = defs[s.$ref.split('/').pop()]; guard += 1; }
    return s || {};
  }

  /* The schema lets a number be written as quoted text (as ethicard reads YAML): not a choice of its own. */
  function isNumberText(s) { return s.type === 'string' && cfg.numberText.indexOf(s.pattern) >= 0; }

  /* One of: text, number, integer, textnum, enum, bool, list, choices, rows, object, map. */
  function shape(raw) {
    var s = deref(raw);
    var out = { description: raw.description || s.description || '' };
    if (s.anyOf) {
      var members = s.anyOf.map(deref).filter(function (m) { return m.type !== 'null'; });
      var numeric = members.some(function (m) { return m.type === 'number' || m.type === 'integer'; });
      var array = members.filter(function (m) { return m.type === 'array'; });
      if (array.length) members = array;
      else if (numeric) members = members.filter(function (m) { return !isNumberText(m); });
      if (members.length === 1) { var one = shape(members[0]); one.description = out.description || one.description; return one; }
      var flat = [];
      members.forEach(function (m) { flat = flat.concat(m.anyOf ? m.anyOf.map(deref) : [m]); });
      var hasNumber = flat.some(function (m) { return m.type === 'number' || m.type === 'integer'; });
      out.kind = hasNumber ? 'textnum' : 'text';
      return out;
    }
    if (s.enum || s.const !== undefined) { out.kind = 'enum'; out.options = s.enum || [s.const]; return out; }
    var type = Array.isArray(s.type) ? (s.type.indexOf('string') >= 0 ? 'string' : s.type[0]) : s.type;
    if (type === 'boolean') out.kind = 'bool';
    else if (type === 'number') { out.kind = 'number'; out.min = s.minimum; out.max = s.maximum; }
    else if (type === 'integer') { out.kind = 'integer'; out.min = s.minimum; }
    else if (type === 'array') {
      var item = shape(s.items || {});
      if (item.kind === 'enum') { out.kind = 'choices'; out.options = item.options; }
      else if (item.kind === 'object') { out.kind = 'rows'; out.item = item; }
      else out.kind = 'list';
    } else if (type === 'object' && s.properties) {
      out.kind = 'object';
      out.fields = Object.keys(s.properties).map(function (key) {
        return { key: key, shape: shape(s.properties[key]), required: (s.required || []).indexOf(key) >= 0 };
      });
    } else if (type === 'object' && s.additionalProperties && deref(s.additionalProperties).type === 'object') {
      out.kind = 'kept';  /* e.g. retired answers, kept by 'ethicard migrate': carried through, not edited */
    } else if (type === 'object') { out.kind = 'map'; }
    else { out.kind = 'text'; out.pattern = s.pattern; }
    return out;
  }

  /* --- inputs: each returns {el, get(), set(value)}; get() is undefined when left empty ---- */

  var LONG = /(^|_)(description|result|answer|statement|carriers|explanation|experience)$/;

  function labelFor(id, text, required, help) {
    return h('label', { 'for': id }, [text, required ? h('span', { cls: 'req', text: ' (required)' }) : null]);
  }

  function helpText(id, text) { return text ? h('p', { cls: 'help', id: id, text: text }) : null; }

  function scalarInput(key, sh, required) {
    var id = uid('f-' + key);
    var helpId = sh.description ? id + '-help' : null;
    var input;
    if (sh.kind === 'enum' || sh.kind === 'bool') {
      input = h('select', { id: id, 'aria-describedby': helpId, 'aria-required': required ? 'true' : null });
      input.appendChild(h('option', { value: '', text: required ? '\u2014 choose \u2014' : '\u2014 not stated \u2014' }));
      var options = sh.kind === 'bool' ? [['true', 'yes'], ['false', 'no']] : sh.options.map(function (o) { return [String(o), String(o)]; });
      options.forEach(function (o) { input.appendChild(h('option', { value: o[0], text: o[1] })); });
    } else if (sh.kind === 'list' || LONG.test(key)) {
      input = h('textarea', { id: id, rows: sh.kind === 'list' ? 3 : 2, 'aria-describedby': helpId, 'aria-required': required ? 'true' : null });
    } else {
      var numeric = sh.kind === 'number' || sh.kind === 'integer';
      input = h('input', {
        id: id, type: numeric ? 'number' : 'text', step: sh.kind === 'integer' ? '1' : (numeric ? 'any' : null),
        min: sh.min, max: sh.max, inputmode: sh.kind === 'textnum' ? 'decimal' : null,
        'aria-describedby': helpId, 'aria-required': required ? 'true' : null
      });
    }
    var hint = sh.kind === 'list' ? 'one per line' : (sh.kind === 'number' || sh.kind === 'integer' ? 'a number' : '');
    var help = [sh.description, hint].filter(Boolean).join(' \u00b7 ');
    var el = h('div', { cls: 'field' }, [labelFor(id, humanise(key), required), helpText(helpId, help), input]);
    if (helpId && !help) input.removeAttribute('aria-describedby');
    return {
      el: el,
      input: input,
      get: function () {
        var v = input.value;
        if (sh.kind === 'list') {
          var lines = v.split('\n').map(function (l) { return l.trim(); }).filter(Boolean);
          return lines.length ? lines : undefined;
        }
        if (v.trim() === '') return undefined;
        if (sh.kind === 'bool') return v === 'true';
        if (sh.kind === 'number' || sh.kind === 'integer') return Number(v);
        if (sh.kind === 'textnum' && NUMBER_TEXT.test(v)) return Number(v.replace(/_/g, ''));
        return v;
      },
      set: function (value) {
        if (value === undefined || value === null) { input.value = ''; return; }
        if (sh.kind === 'list') { input.value = (Array.isArray(value) ? value : [value]).join('\n'); return; }
        input.value = String(value);
      }
    };
  }

  function choicesInput(key, sh) {
    var boxes = [];
    var group = h('fieldset', { cls: 'choices' }, [h('legend', { text: humanise(key) })]);
    if (sh.description) group.appendChild(h('p', { cls: 'help', text: sh.description }));
    sh.options.forEach(function (option) {
      var id = uid('f-' + key);
      var box = h('input', { type: 'checkbox', id: id, value: String(option) });
      boxes.push(box);
      group.appendChild(h('div', { cls: 'choice' }, [box, h('label', { 'for': id, text: String(option) })]));
    });
    /* The choices come back in the order the card gave them, then in the order they were ticked:
       a card read in and written out is the same card. */
    var order = [];
    boxes.forEach(function (b) {
      b.addEventListener('change', function () { if (b.checked && order.indexOf(b.value) < 0) order.push(b.value); });
    });
    return {
      el: group,
      get: function () {
        var chosen = order.filter(function (v) { return boxes.some(function (b) { return b.checked && b.value === v; }); });
        boxes.forEach(function (b) { if (b.checked && chosen.indexOf(b.value) < 0) chosen.push(b.value); });
        return chosen.length ? chosen : undefined;
      },
      set: function (value) {
        var list = Array.isArray(value) ? value.map(String) : (value ? [String(value)] : []);
        boxes.forEach(function (b) { b.checked = list.indexOf(b.value) >= 0; });
        order = list.slice();
      }
    };
  }

  function objectInput(key, sh, heading) {
    var children = sh.fields.map(function (f) { return { key: f.key, widget: input(f.key, f.shape, f.required) }; });
    var group = h('fieldset', { cls: 'group' }, [h('legend', { text: heading || humanise(key) })]);
    if (sh.description) group.appendChild(h('p', { cls: 'help', text: sh.description }));
    children.forEach(function (c) { group.appendChild(c.widget.el); });
    return {
      el: group,
      children: children,
      get: function () {
        var out = {};
        children.forEach(function (c) { var v = c.widget.get(); if (!isEmpty(v)) out[c.key] = v; });
        return isEmpty(out) ? undefined : out;
      },
      set: function (value) {
        value = value && typeof value === 'object' ? value : {};
        children.forEach(function (c) { c.widget.set(value[c.key]); });
      }
    };
  }

  function repeated(key, sh, makeRow, rowName) {
    var rows = [];
    var list = h('div', { cls: 'rows' });
    var add = h('button', { type: 'button', cls: 'add', text: 'Add ' + rowName });
    var group = h('fieldset', { cls: 'group repeated' }, [h('legend', { text: humanise(key) })]);
    if (sh.description) group.appendChild(h('p', { cls: 'help', text: sh.description }));
    group.appendChild(list);
    group.appendChild(add);
    function renumber() {
      rows.forEach(function (row, n) { row.title.textContent = humanise(key) + ': ' + rowName + ' ' + (n + 1); });
    }
    function addRow(value) {
      var row = makeRow();
      var title = h('p', { cls: 'row-title' });
      var remove = h('button', { type: 'button', cls: 'remove' }, ['Remove']);
      var box = h('div', { cls: 'row' }, [title, row.el, remove]);
      var entry = { widget: row, el: box, title: title };
      remove.addEventListener('click', function () {
        rows.splice(rows.indexOf(entry), 1);
        list.removeChild(box);
        renumber();
        remove.setAttribute('aria-label', '');
        add.focus();
        changed();
      });
      rows.push(entry);
      list.appendChild(box);
      renumber();
      remove.setAttribute('aria-label', 'Remove ' + title.textContent);
      if (value !== undefined) row.set(value);
      return entry;
    }
    add.addEventListener('click', function () {
      var entry = addRow();
      var first = entry.el.querySelector('input, select, textarea');
      if (first) first.focus();
      changed();
    });
    return {
      el: group,
      get: function () {
        var out = rows.map(function (r) { return r.widget.get(); }).filter(function (v) { return !isEmpty(v); });
        return out.length ? out : undefined;
      },
      set: function (value) {
        rows.slice().forEach(function (r) { list.removeChild(r.el); });
        rows = [];
        (Array.isArray(value) ? value : []).forEach(function (v) { addRow(v); });
      }
    };
  }

  function mapRow() {
    var name = scalarInput('name', { kind: 'text', description: '' }, true);
    var address = scalarInput('address', { kind: 'text', description: 'https:// or mailto:' }, true);
    var el = h('div', { cls: 'pair' }, [name.el, address.el]);
    return {
      el: el,
      get: function () {
        var k = name.get(), v = address.get();
        return k === undefined && v === undefined ? undefined : [k || '', v || ''];
      },
      set: function (pair) { name.set(pair[0]); address.set(pair[1]); }
    };
  }

  function keptInput(key) {
    var kept;
    var note = h('p', { cls: 'help', hidden: true });
    var el = h('div', { cls: 'field' }, [h('h3', { text: humanise(key) }), note]);
    el.hidden = true;
    return {
      el: el,
      get: function () { return isEmpty(kept) ? undefined : kept; },
      set: function (value) {
        kept = value && typeof value === 'object' ? value : undefined;
        el.hidden = note.hidden = isEmpty(kept);
        note.textContent = kept ? Object.keys(kept).join(', ') + ': kept as they are in the card (not edited here).' : '';
      }
    };
  }

  function input(key, sh, required) {
    if (sh.kind === 'object') return objectInput(key, sh);
    if (sh.kind === 'kept') return keptInput(key);
    if (sh.kind === 'choices') return choicesInput(key, sh);
    if (sh.kind === 'rows') {
      return repeated(key, sh, function () { return objectInput(key, sh.item, ' '); }, 'entry');
    }
    if (sh.kind === 'map') {
      var rows = repeated(key, sh, mapRow, 'link');
      return {
        el: rows.el,
        get: function () {
          var pairs = rows.get();
          if (!pairs) return undefined;
          var out = {};
          pairs.forEach(function (p) { out[p[0]] = p[1]; });
          return out;
        },
        set: function (value) {
          rows.set(Object.keys(value && typeof value === 'object' ? value : {}).map(function (k) { return [k, value[k]]; }));
        }
      };
    }
    return scalarInput(key, sh, required);
  }

  /* --- checklist items ------------------------------------------------------------------ */

  function statusBadge(status) {
    var label = cfg.statusLabels[status] || status;
    return h('span', { cls: 'badge s-' + status.replace(/ /g, '-') }, [
      h('span', { 'aria-hidden': 'true', text: MARKS[status] + ' ' }), label
    ]);
  }

  function itemInput(item) {
    var base = 'item-' + item.id;
    var radios = [];
    var statusGroup = h('fieldset', { cls: 'status' }, [h('legend', { text: 'Status' })]);
    [''].concat(cfg.statuses).forEach(function (status) {
      var id = base + '-status-' + (status ? status.replace(/ /g, '-') : 'none');
      var radio = h('input', { type: 'radio', name: base + '-status', id: id, value: status });
      radios.push(radio);
      statusGroup.appendChild(h('div', { cls: 'choice' }, [
        radio, h('label', { 'for': id }, [status ? h('span', { 'aria-hidden': 'true', text: MARKS[status] + ' ' }) : null,
          status ? cfg.statusLabels[status] : 'Not answered yet'])
      ]));
    });
    radios[0].checked = true;
    var answer = h('textarea', { id: base + '-answer', rows: 4, 'aria-describedby': base + '-guidance' });
    var evidence = h('textarea', { id: base + '-evidence', rows: 2, 'aria-describedby': base + '-evidence-help' });
    var missing = h('textarea', { id: base + '-missing', rows: 2 });
    var missingField = h('div', { cls: 'field', hidden: true }, [h('label', { 'for': base + '-missing', text: 'What is still missing' }), missing]);
    var review = h('input', { type: 'checkbox', id: base + '-review' });
    var reviewField = h('div', { cls: 'choice review-flag', hidden: true }, [review,
      h('label', { 'for': base + '-review', text: 'Check this answer again: the question changed (ethicard migrate); untick when checked' })]);
    var shown = h('p', { cls: 'item-status', 'aria-live': 'polite' });
    var level = h('span', { cls: 'level level-' + item.level, text: item.level === 'required' ? 'Required' : 'Recommended' });
    var el = h('fieldset', { cls: 'item', id: base }, [
      h('legend', {}, [level, ' ', h('span', { cls: 'question', text: item.question })]),
      h('p', { cls: 'guidance', id: base + '-guidance', text: item.guidance }),
      shown,
      statusGroup,
      h('div', { cls: 'field' }, [h('label', { 'for': base + '-answer', text: 'Answer (Markdown)' }), answer]),
      h('div', { cls: 'field' }, [
        h('label', { 'for': base + '-evidence', text: 'Evidence' }),
        h('p', { cls: 'help', id: base + '-evidence-help', text: 'Where in the paper or repository, or URLs \u00b7 one per line' }),
        evidence
      ]),
      missingField,
      reviewField
    ]);
    /* 'missing' is for a partial answer: asked then, or while it holds text; 'review' is set by
       'ethicard migrate' only, so its box is shown only for an answer that came with it. */
    function showMissing() { missingField.hidden = status() !== 'partial' && !missing.value.trim(); }
    function status() {
      var checked = radios.filter(function (r) { return r.checked; })[0];
      return checked && checked.value ? checked.value : undefined;
    }
    return {
      el: el,
      item: item,
      status: status,
      text: function () { return answer.value; },
      show: function () {
        showMissing();
        var s = status() || 'unanswered';
        shown.textContent = '';
        shown.appendChild(statusBadge(s));
      },
      get: function () {
        var out = {};
        var s = status();
        if (s) out.status = s;
        if (answer.value.trim()) out.answer = answer.value;
        var lines = evidence.value.split('\n').map(function (l) { return l.trim(); }).filter(Boolean);
        if (lines.length) out.evidence = lines;
        if (missing.value.trim()) out.missing = missing.value;
        if (review.checked) out.review = 'required';
        return isEmpty(out) ? undefined : out;
      },
      set: function (value) {
        value = value || {};
        radios.forEach(function (r) { r.checked = r.value === (value.status || ''); });
        answer.value = value.answer || '';
        var ev = value.evidence;
        evidence.value = (Array.isArray(ev) ? ev : (ev ? [ev] : [])).join('\n');
        missing.value = value.missing === undefined || value.missing === null ? '' : String(value.missing);
        review.checked = value.review === 'required';
        reviewField.hidden = !review.checked;
        showMissing();
      }
    };
  }

  /* --- YAML out: every text double-quoted with JSON-style escapes, which YAML reads back as is */

  function quote(text) {
    var out = '"';
    for (var i = 0; i < text.length; i += 1) {
      var ch = text.charAt(i);
      var c = text.charCodeAt(i);
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (ch === '\n') out += '\\n';
      else if (ch === '\t') out += '\\t';
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
        out += text.slice(i, i + 2);  /* a character beyond U+FFFF, as is */
        i += 1;
      } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff ||
        (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
        out += '\\u' + ('000' + c.toString(16)).slice(-4);
      } else out += ch;
    }
    return out + '"';
  }

  function yamlKey(key) { return /^[a-z][a-z0-9_]*$/.test(key) ? key : quote(key); }

  function yamlScalar(value) {
    if (typeof value === 'number') return isFinite(value) ? String(value) : quote(String(value));
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    return quote(String(value));
  }

  function yamlLines(value, indent, lines) {
    var pad = new Array(indent + 1).join(' ');
    Object.keys(value).forEach(function (key) {
      var v = value[key];
      if (isEmpty(v)) return;
      if (Array.isArray(v)) {
        lines.push(pad + yamlKey(key) + ':');
        v.forEach(function (entry) {
          if (entry !== null && typeof entry === 'object') {
            var inner = [];
            yamlLines(entry, indent + 4, inner);
            inner[0] = pad + '  - ' + inner[0].slice(indent + 4);
            Array.prototype.push.apply(lines, inner);
          } else lines.push(pad + '  - ' + yamlScalar(entry));
        });
      } else if (typeof v === 'object') {
        lines.push(pad + yamlKey(key) + ':');
        yamlLines(v, indent + 2, lines);
      } else lines.push(pad + yamlKey(key) + ': ' + yamlScalar(v));
    });
    return lines;
  }

  function toYaml(card) {
    var head = ['# MISyn disclosure card, written by the ethicard form (ethicard ' + cfg.ethicard + ').',
      '# Check it with: ethicard check FILE.yaml'];
    return head.concat(yamlLines(card, 0, [])).join('\n') + '\n';
  }

  /* --- YAML in: a small reader for the block YAML that ethicard's init and this form write --- */

  function YamlError(message, line) { this.message = 'line ' + (line + 1) + ': ' + message; }

  /* The characters ethicard's loader refuses before parsing: it reads some as hidden line breaks. */
  var REFUSED = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\ud800-\udfff]/u;

  function parseYaml(text) {
    text = text.replace(/^\ufeff/, '');
    var refused = REFUSED.exec(text);
    if (refused) {
      var code = refused[0].codePointAt(0).toString(16).toUpperCase();
      throw new YamlError('the character U+' + ('000' + code).slice(-4) + ' is refused (ethicard check refuses it too); write it as an escape in double quotes',
        text.slice(0, refused.index).split('\n').length - 1);
    }
    var lines = text.replace(/\r\n?/g, '\n').split('\n');
    var pos = 0;
    function indentOf(line) { return line.length - line.replace(/^ +/, '').length; }
    function blank(line) { var t = line.trim(); return t === '' || t.charAt(0) === '#' || t === '---'; }
    function skip() { while (pos < lines.length && blank(lines[pos])) pos += 1; }
    function stripComment(s) {
      var m = /(^|[ \t])#/.exec(s);
      return (m ? s.slice(0, m.index) : s).replace(/[ \t]+$/, '');
    }
    function plainValue(s) {
      if (s === '' || s === '~' || /^(null|Null|NULL)$/.test(s)) return null;
      if (/^(true|True|TRUE)$/.test(s)) return true;
      if (/^(false|False|FALSE)$/.test(s)) return false;
      if (/^[&*!]/.test(s)) throw new YamlError('anchors, aliases and tags are not read by the form; use plain values', pos - 1);
      return s;
    }
    function unescapeDouble(body, line) {
      var simple = { '0': '\0', 'a': '\x07', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r',
        'e': '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': '\x85', '_': '\xa0', 'L': '\u2028', 'P': '\u2029' };
      return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, function (all, esc) {
        if (/^[xuU]/.test(esc) && esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16));
        if (Object.prototype.hasOwnProperty.call(simple, esc)) return simple[esc];
        throw new YamlError('unknown escape \\' + esc + ' in a double-quoted text', line);
      });
    }
    function fold(parts) {
      var out = '';
      parts.forEach(function (part, n) {
        if (n === 0) { out = part; return; }
        if (part === '') out += '\n';
        else out += (out === '' || out.charAt(out.length - 1) === '\n' ? '' : ' ') + part;
      });
      return out;
    }
    function oddBackslashes(text) { var m = /\\+$/.exec(text); return m !== null && m[0].length % 2 === 1; }
    /* Trailing blanks of a line inside quotes are dropped, except one escaped by a backslash. */
    function rtrim(text) {
      var trimmed = text.replace(/[ \t]+$/, '');
      return trimmed.length < text.length && oddBackslashes(trimmed) ? trimmed + text.charAt(trimmed.length) : trimmed;
    }
    function quoted(rest, start) {
      var q = rest.charAt(0);
      var body = rest.slice(1);
      var parts = [];
      var line = start;
      for (;;) {
        var end = -1;
        for (var i = 0; i < body.length; i += 1) {
          if (q === '"' && body.charAt(i) === '\\') { i += 1; continue; }
          if (body.charAt(i) === q) {
            if (q === "'" && body.charAt(i + 1) === "'") { i += 1; continue; }
            end = i; break;
          }
        }
        if (end >= 0) {
          parts.push(parts.length ? body.slice(0, end).replace(/^[ \t]+/, '') : body.slice(0, end));
          var after = stripComment(body.slice(end + 1)).trim();
          if (after !== '') throw new YamlError('unexpected text after a quoted value', line);
          break;
        }
        parts.push(rtrim(parts.length ? body.replace(/^[ \t]+/, '') : body));
        line += 1;
        if (line >= lines.length) throw new YamlError('a quoted text is not closed', start);
        body = lines[line];
      }
      pos = line + 1;
      /* Folding: one line break is a space, each empty line a line break; in double quotes a
         backslash at the end of a line joins the lines with nothing between them. */
      var joined = parts[0];
      var empties = 0;
      for (var n = 1; n < parts.length; n += 1) {
        var part = parts[n];
        if (part === '' && n < parts.length - 1) { empties += 1; continue; }
        if (q === '"' && !empties && oddBackslashes(joined)) joined = joined.slice(0, -1) + part;
        else joined += (empties ? new Array(empties + 1).join('\n') : ' ') + part;
        empties = 0;
      }
      return q === '"' ? unescapeDouble(joined, start) : joined.replace(/''/g, "'");
    }
    function blockScalar(header, parent) {
      var m = /^([|>])([-+]?)([1-9]?)([-+]?)$/.exec(stripComment(header).trim());
      if (!m) throw new YamlError('cannot read this block text header: ' + header, pos - 1);
      var literal = m[1] === '|';
      var chomp = m[2] || m[4];
      var body = [];
      var indent = m[3] ? parent + Number(m[3]) : -1;
      while (pos < lines.length) {
        var line = lines[pos];
        if (line.trim() === '') { body.push(''); pos += 1; continue; }
        var n = indentOf(line);
        if (indent < 0) indent = n;
        if (n < indent || n <= parent) break;
        body.push(line.slice(indent));
        pos += 1;
      }
      var trailing = 0;
      while (body.length && body[body.length - 1] === '') { body.pop(); trailing += 1; }
      var text;
      if (literal) text = body.join('\n');
      else {
        text = '';
        body.forEach(function (line, n) {
          if (n === 0) { text = line; return; }
          var prev = body[n - 1];
          var more = /^[ \t]/.test(line) || /^[ \t]/.test(prev);
          if (line === '') text += '\n';
          else if (prev === '' || more) text += (prev === '' && !more ? '' : '\n') + line;
          else text += ' ' + line;
        });
      }
      if (chomp === '-') return text;
      if (chomp === '+') return text + '\n' + new Array(trailing + 1).join('\n');
      return body.length ? text + '\n' : '';
    }
    function flow(rest, start) {
      var text = rest;
      var line = start;
      var depth = 0;
      function balanced() {
        depth = 0;
        var inQ = '';
        for (var i = 0; i < text.length; i += 1) {
          var c = text.charAt(i);
          if (inQ) { if (c === '\\' && inQ === '"') i += 1; else if (c === inQ) inQ = ''; continue; }
          if (c === '"' || c === "'") inQ = c;
          else if (c === '[' || c === '{') depth += 1;
          else if (c === ']' || c === '}') depth -= 1;
          else if (c === '#' && /\s/.test(text.charAt(i - 1))) { text = text.slice(0, i); break; }
        }
        return depth === 0;
      }
      while (!balanced()) {
        line += 1;
        if (line >= lines.length) throw new YamlError('a [ or { is not closed', start);
        text += ' ' + lines[line].trim();
      }
      pos = line + 1;
      var i = 0;
      function ws() { while (i < text.length && /\s/.test(text.charAt(i))) i += 1; }
      function scalarAt(stops) {
        ws();
        var c = text.charAt(i);
        if (c === '"' || c === "'") {
          var j = i + 1;
          for (; j < text.length; j += 1) {
            if (c === '"' && text.charAt(j) === '\\') { j += 1; continue; }
            if (text.charAt(j) === c) { if (c === "'" && text.charAt(j + 1) === "'") { j += 1; continue; } break; }
          }
          var raw = text.slice(i + 1, j);
          i = j + 1;
          return c === '"' ? unescapeDouble(raw, start) : raw.replace(/''/g, "'");
        }
        var k = i;
        while (i < text.length && stops.indexOf(text.charAt(i)) < 0 && !(text.charAt(i) === ':' && /\s/.test(text.charAt(i + 1)))) i += 1;
        return plainValue(text.slice(k, i).trim());
      }
      function node() {
        ws();
        var c = text.charAt(i);
        if (c === '[') {
          i += 1;
          var list = [];
          for (;;) {
            ws();
            if (text.charAt(i) === ']') { i += 1; return list; }
            list.push(node());
            ws();
            if (text.charAt(i) === ',') i += 1;
            else if (text.charAt(i) !== ']') throw new YamlError('expected , or ] in a [ ] list', start);
          }
        }
        if (c === '{') {
          i += 1;
          var map = {};
          for (;;) {
            ws();
            if (text.charAt(i) === '}') { i += 1; return map; }
            var key = scalarAt(',:}');
            ws();
            if (text.charAt(i) !== ':') throw new YamlError('expected key: value in a { } mapping', start);
            i += 1;
            map[String(key)] = node();
            ws();
            if (text.charAt(i) === ',') i += 1;
            else if (text.charAt(i) !== '}') throw new YamlError('expected , or } in a { } mapping', start);
          }
        }
        return scalarAt(',]}');
      }
      var value = node();
      ws();
      if (i < text.length) throw new YamlError('unexpected text after a [ ] or { } value', start);
      return value;
    }
    function value(rest, parent) {
      var start = pos - 1;
      var c = rest.charAt(0);
      if (c === '"' || c === "'") { pos = start; return quoted(rest, start); }
      if (c === '|' || c === '>') return blockScalar(rest, parent);
      if (c === '[' || c === '{') { pos = start; return flow(rest, start); }
      var parts = [stripComment(rest).trim()];
      while (pos < lines.length && lines[pos].trim() !== '' && indentOf(lines[pos]) > parent &&
        lines[pos].trim().charAt(0) !== '#' && !/^\s*- /.test(lines[pos]) && !/^[^"'#]*:(\s|$)/.test(lines[pos].trim())) {
        parts.push(stripComment(lines[pos]).trim());
        pos += 1;
      }
      return plainValue(fold(parts));
    }
    function isItem(line, n) { return line.length > n && line.charAt(n) === '-' && (line.length === n + 1 || line.charAt(n + 1) === ' '); }
    function node(minIndent) {
      skip();
      if (pos >= lines.length) return null;
      var n = indentOf(lines[pos]);
      if (n < minIndent) return null;
      if (isItem(lines[pos], n)) return sequence(n);
      return mapping(n);
    }
    function sequence(n) {
      var list = [];
      for (;;) {
        skip();
        if (pos >= lines.length) break;
        var line = lines[pos];
        if (indentOf(line) !== n || !isItem(line, n)) {
          if (indentOf(line) > n) throw new YamlError('unexpected indentation', pos);
          break;
        }
        var rest = line.slice(n + 1);
        var spaces = rest.length - rest.replace(/^ +/, '').length;
        rest = rest.slice(spaces);
        if (stripComment(rest) === '') { pos += 1; list.push(node(n + 1)); continue; }
        if (/^[^"'\[{#][^#]*?:(\s|$)/.test(rest) || /^"[^"]*":(\s|$)/.test(rest)) {
          lines[pos] = new Array(n + 2 + spaces).join(' ') + rest;
          list.push(mapping(n + 1 + spaces));
          continue;
        }
        pos += 1;
        list.push(value(rest, n));
      }
      return list;
    }
    function mapping(n) {
      var map = {};
      for (;;) {
        skip();
        if (pos >= lines.length) break;
        var line = lines[pos];
        var here = indentOf(line);
        if (here < n) break;
        if (here > n) throw new YamlError('unexpected indentation', pos);
        if (isItem(line, n)) break;
        var body = line.slice(n);
        var key, rest;
        var m = /^"((?:[^"\\]|\\.)*)"\s*:(\s|$)/.exec(body) || /^'((?:[^']|'')*)'\s*:(\s|$)/.exec(body);
        if (m) {
          key = body.charAt(0) === '"' ? unescapeDouble(m[1], pos) : m[1].replace(/''/g, "'");
          rest = body.slice(m[0].length);
        } else {
          var colon = /:(\s|$)/.exec(body);
          if (!colon) throw new YamlError('expected "key: value"', pos);
          key = body.slice(0, colon.index).trim();
          rest = body.slice(colon.index + 1);
        }
        if (Object.prototype.hasOwnProperty.call(map, key)) throw new YamlError('the key "' + key + '" is given twice', pos);
        rest = rest.trim();
        pos += 1;
        if (stripComment(rest) === '') {
          skip();
          if (pos < lines.length && indentOf(lines[pos]) === n && isItem(lines[pos], n)) map[key] = sequence(n);
          else map[key] = node(n + 1);
        } else map[key] = value(rest, n);
      }
      return map;
    }
    var result = node(0);
    skip();
    if (pos < lines.length) throw new YamlError('unexpected text', pos);
    return result;
  }

  /* --- the page ---------------------------------------------------------------------------- */

  var blockNames = Object.keys(schema.properties).filter(function (k) { return k !== 'checklist' && k !== 'answers'; });
  var blocks = {};
  var items = [];
  var sectionViews = [];
  var status = h('p', { cls: 'message', role: 'status', 'aria-live': 'polite' });

  /* The card format the export is written in: the latest one, except for a format-1 card (made
     from or imported) in which no format-2 field is filled, which stays format 1 as it came. */
  var baseFormat = cfg.formats.latest;

  function fieldAt(card, path) {
    return path.split('.').reduce(function (v, key) { return v && typeof v === 'object' ? v[key] : undefined; }, card);
  }

  function cardFormat(card) {
    var needsLatest = cfg.formats.format2.some(function (path) { return !isEmpty(fieldAt(card, path)); });
    return needsLatest ? cfg.formats.latest : baseFormat;
  }

  /* A field the export's format refuses is hidden while empty (format 2 has data_sources instead of
     about.training_data); one that holds a value stays, so 'ethicard check' can say what to move. */
  function showFormatFields(card) {
    var fmt = cardFormat(card);
    cfg.formats.format1.forEach(function (path) {
      var parts = path.split('.');
      var block = blocks[parts[0]];
      var child = block && block.children ? block.children.filter(function (c) { return c.key === parts[1]; })[0] : null;
      if (child) child.widget.el.hidden = fmt > 1 && isEmpty(fieldAt(card, path));
    });
  }

  function currentKind() {
    var about = blocks.about ? blocks.about.get() : undefined;
    return (about && about.kind) || 'model';
  }

  function collect() {
    var card = { checklist: { id: checklist.id, version: checklist.version } };
    blockNames.forEach(function (name) {
      if (blocks[name]) { var v = blocks[name].get(); if (!isEmpty(v)) card[name] = v; }
    });
    var fmt = cardFormat(card);
    if (fmt > 1) card.format = fmt;
    var answers = {};
    sectionViews.forEach(function (sv) {
      var section = {};
      sv.items.forEach(function (w) {
        var v = w.get();  /* kept even when hidden (not asked of this kind): nothing typed is lost */
        if (!isEmpty(v)) section[w.item.id] = v;
      });
      if (!isEmpty(section)) answers[sv.section.id] = section;
    });
    if (!isEmpty(answers)) card.answers = answers;
    var ordered = {};
    ['format', 'checklist'].concat(blockNames, ['answers']).forEach(function (k) { if (k in card && !(k in ordered)) ordered[k] = card[k]; });
    return ordered;
  }

  function fill(card) {
    baseFormat = card ? (Number(card.format) || 1) : cfg.formats.latest;
    card = card || { about: { kind: 'model' } };  /* a new card starts as a model card, as 'ethicard init' does */
    blockNames.forEach(function (name) { if (blocks[name]) blocks[name].set(card[name]); });
    var answers = card.answers || {};
    sectionViews.forEach(function (sv) {
      var given = answers[sv.section.id] || {};
      sv.items.forEach(function (w) { w.set(given[w.item.id]); });
    });
  }

  function unknownKeys(card) {
    var found = [];
    Object.keys(card || {}).forEach(function (k) {
      if (!(k in schema.properties)) found.push(k);
    });
    var answers = (card && card.answers) || {};
    Object.keys(answers).forEach(function (sid) {
      var sv = sectionViews.filter(function (s) { return s.section.id === sid; })[0];
      if (!sv) { found.push('answers.' + sid); return; }
      Object.keys(answers[sid] || {}).forEach(function (iid) {
        if (!sv.items.some(function (w) { return w.item.id === iid; })) found.push('answers.' + sid + '.' + iid);
      });
    });
    return found;
  }

  function score(results) {
    var counted = results.filter(function (r) { return !(r.status === 'not applicable' && r.text.trim()); });
    if (!counted.length) return 100;
    var sum = counted.reduce(function (acc, r) { return acc + (CREDIT[r.status] || 0); }, 0);
    return Math.round(1000 * sum / counted.length) / 10;
  }

  var overall = { bar: null, text: null };

  function update() {
    var kind = currentKind();
    showFormatFields(collect());
    var all = [];
    sectionViews.forEach(function (sv) {
      var results = [];
      var hidden = 0;
      sv.items.forEach(function (w) {
        var applies = w.item.kinds.indexOf(kind) >= 0;
        w.el.hidden = !applies;
        if (!applies) { hidden += 1; return; }
        w.show();
        results.push({ status: w.status() || 'unanswered', text: w.text(), level: w.item.level });
      });
      all = all.concat(results);
      var answered = results.filter(function (r) { return r.status !== 'unanswered'; }).length;
      var openRequired = results.filter(function (r) { return r.status === 'unanswered' && r.level === 'required'; }).length;
      var s = score(results);
      sv.bar.value = answered;
      sv.bar.max = results.length || 1;
      sv.progress.textContent = answered + ' of ' + results.length + ' answered \u00b7 ' + s.toFixed(1) + '%' +
        (openRequired ? ' \u00b7 ' + openRequired + ' required open' : '');
      sv.navNote.textContent = answered + '/' + results.length;
      sv.other.textContent = hidden ? hidden + ' question(s) of this section are not asked of a ' + kind + '.' : '';
    });
    var answeredAll = all.filter(function (r) { return r.status !== 'unanswered'; }).length;
    var total = score(all);
    overall.bar.value = total;
    overall.text.textContent = 'Completeness ' + total.toFixed(1) + '% \u00b7 ' + answeredAll + ' of ' + all.length + ' questions answered';
  }

  function save() {
    if (cfg.review) return;
    try { window.localStorage.setItem(cfg.storageKey, JSON.stringify(collect())); } catch (e) { /* storage off: the page still works */ }
  }

  var preview = null;
  function changed() {
    update();
    save();
    if (preview && preview.parentNode.open) preview.value = toYaml(collect());
  }

  function slug(text) { return String(text || 'card').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'card'; }

  function exportYaml() {
    var card = collect();
    var text = toYaml(card);
    var link = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/yaml' })), download: slug(card.about && card.about.name) + '.yaml' });
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    status.textContent = 'Exported ' + link.getAttribute('download') + '. Run: ethicard check ' + link.getAttribute('download');
  }

  function normalise(card) {
    if (card && typeof card.checklist === 'string' && card.checklist.indexOf('@') > 0) {
      var parts = card.checklist.split('@');
      card.checklist = { id: parts[0], version: parts[1] };
    }
    return card;
  }

  function importYaml(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var card;
      try { card = normalise(parseYaml(String(reader.result))); } catch (e) {
        status.textContent = 'Could not read ' + file.name + ': ' + (e.message || e);
        return;
      }
      if (!card || typeof card !== 'object' || Array.isArray(card)) { status.textContent = file.name + ' is not a card (a mapping of about, answers ...)'; return; }
      fill(card);
      changed();
      var unknown = unknownKeys(card);
      status.textContent = 'Imported ' + file.name + '.' + (unknown.length ? ' Not known to this form, so left out: ' + unknown.join(', ') + '.' : '');
    };
    reader.readAsText(file);
  }

  function toolbar() {
    var fileInput = h('input', { type: 'file', id: 'import-file', accept: '.yaml,.yml,text/yaml', cls: 'visually-hidden' });
    fileInput.addEventListener('change', function () { if (fileInput.files && fileInput.files[0]) importYaml(fileInput.files[0]); fileInput.value = ''; });
    var importLabel = h('label', { 'for': 'import-file', cls: 'button' }, ['Import a YAML card']);
    var exportButton = h('button', { type: 'button', id: 'export' }, ['Export the YAML card']);
    exportButton.addEventListener('click', exportYaml);
    var reset = h('button', { type: 'button', id: 'reset' }, [cfg.card ? 'Start again from the card' : 'Clear all answers']);
    reset.addEventListener('click', function () {
      try { window.localStorage.removeItem(cfg.storageKey); } catch (e) { /* nothing stored */ }
      fill(cfg.card);
      changed();
      status.textContent = cfg.card ? 'Back to the card this page was made from.' : 'All answers cleared.';
    });
    preview = h('textarea', { id: 'yaml-out', rows: 14, readonly: true, 'aria-label': 'The YAML card', spellcheck: 'false' });
    var details = h('details', { cls: 'preview' }, [h('summary', { text: 'Show the YAML card' }), preview]);
    details.addEventListener('toggle', function () { if (details.open) preview.value = toYaml(collect()); });
    return h('div', { cls: 'toolbar' }, [h('div', { cls: 'buttons' }, [fileInput, importLabel, exportButton, reset]), status, details]);
  }

  function progressBlock() {
    overall.bar = h('progress', { id: 'completeness-bar', max: 100, value: 0, 'aria-labelledby': 'completeness' });
    overall.text = h('p', { id: 'completeness', cls: 'completeness' });
    return h('div', { cls: 'overall' }, [overall.text, overall.bar]);
  }

  function nav(entries) {
    var list = h('ol');
    entries.forEach(function (e) {
      list.appendChild(h('li', {}, [h('a', { href: '#' + e.id, text: e.title }), e.note ? ' ' : null, e.note || null]));
    });
    return h('nav', { cls: 'toc', 'aria-label': 'Sections' }, [h('h2', { text: 'Sections' }), list]);
  }

  /* --- the reviewer's read-only view ----------------------------------------------------- */

  function showValue(key, value, sh) {
    if (isEmpty(value)) return h('span', { cls: 'missing', text: 'not stated' });
    if (Array.isArray(value)) {
      var list = h('ul');
      value.forEach(function (v) { list.appendChild(h('li', {}, [showValue(key, v, sh && sh.item)])); });
      return list;
    }
    if (typeof value === 'object') {
      var dl = h('dl');
      var fields = sh && sh.fields ? sh.fields.map(function (f) { return f.key; }) : Object.keys(value);
      Object.keys(value).forEach(function (k) { if (fields.indexOf(k) < 0) fields.push(k); });
      fields.forEach(function (k) {
        if (isEmpty(value[k])) return;
        var sub = sh && sh.fields ? (sh.fields.filter(function (f) { return f.key === k; })[0] || {}).shape : null;
        dl.appendChild(h('dt', { text: sh && sh.kind === 'map' ? k : humanise(k) }));
        dl.appendChild(h('dd', {}, [showValue(k, value[k], sub)]));
      });
      return dl;
    }
    if (typeof value === 'boolean') return document.createTextNode(value ? 'yes' : 'no');
    return h('span', { cls: 'text', text: String(value) });
  }

  function findingsBlock(assessment) {
    var box = h('section', { cls: 'findings', id: 'gaps', 'aria-labelledby': 'gaps-title' }, [h('h2', { id: 'gaps-title', text: 'Gaps and findings' })]);
    box.appendChild(h('p', { cls: 'completeness', text: 'Completeness ' + assessment.score + '% of the items that apply \u00b7 gaps shown: ' + assessment.gaps_found + ' of ' + assessment.gaps.length }));
    var gaps = h('ul', { cls: 'gap-list' });
    assessment.gaps.forEach(function (gap) {
      var li = h('li', { cls: gap.found ? 'gap found' : 'gap' }, [
        h('strong', {}, [h('span', { 'aria-hidden': 'true', text: gap.found ? '\u26a0 ' : '\u2714 ' }), gap.title + ': ' + (gap.found ? 'shown' : 'not shown')])
      ]);
      if (gap.found && gap.reasons.length) {
        var reasons = h('ul');
        gap.reasons.forEach(function (r) { reasons.appendChild(h('li', { text: r })); });
        li.appendChild(reasons);
      }
      gaps.appendChild(li);
    });
    box.appendChild(gaps);
    if (assessment.findings.length) {
      box.appendChild(h('h3', { text: 'Findings' }));
      var list = h('ul');
      assessment.findings.forEach(function (f) {
        list.appendChild(h('li', {}, [h('code', { text: f.rule }), ' (' + f.source + '): ' + f.message]));
      });
      box.appendChild(list);
    } else box.appendChild(h('p', { text: 'No rule findings.' }));
    return box;
  }

  /* The answer's Markdown as ethicard rendered and sanitised it (nh3), else as plain text. */
  function answerView(id, text, st) {
    if (!text) return h('p', { cls: 'missing', text: st === 'unanswered' ? 'No answer given.' : 'No explanation given.' });
    var rendered = cfg.answersHtml && cfg.answersHtml[id];
    if (!rendered) return h('div', { cls: 'text', text: text });
    var box = h('div', { cls: 'markdown' });
    box.innerHTML = rendered;
    return box;
  }

  function reviewItem(item, answer) {
    answer = answer || {};
    var st = answer.status || 'unanswered';
    var ev = answer.evidence ? (Array.isArray(answer.evidence) ? answer.evidence : [answer.evidence]) : [];
    var evidence = ev.length ? h('ul', {}, ev.map(function (e) { return h('li', { text: e }); })) : h('p', { cls: 'missing', text: 'No evidence given.' });
    return h('article', { cls: 'review-item st-' + st.replace(/ /g, '-'), id: 'item-' + item.id }, [
      h('div', { cls: 'ask' }, [
        h('h3', {}, [h('span', { cls: 'level level-' + item.level, text: item.level === 'required' ? 'Required' : 'Recommended' }), ' ', item.question]),
        h('p', { cls: 'guidance', text: item.guidance }),
        h('p', { cls: 'meta', text: item.id + ' \u00b7 source: ' + item.source })
      ]),
      h('div', { cls: 'reply' }, [
        h('p', { cls: 'item-status' }, [statusBadge(st)]),
        answerView(item.id, answer.answer, st),
        answer.missing ? h('p', { cls: 'still-missing' }, [h('strong', { text: 'Still missing: ' }), String(answer.missing)]) : null,
        answer.review === 'required' ? h('p', { cls: 'missing', text: 'To check again: the question changed since this answer (ethicard migrate).' }) : null,
        h('h4', { text: 'Evidence' }),
        evidence
      ])
    ]);
  }

  function buildReview() {
    var card = cfg.card;
    var kind = card.about.kind;
    var shapes = {};
    blockNames.forEach(function (name) { shapes[name] = shape(schema.properties[name]); });
    var main = h('main', { id: 'main', tabindex: '-1' });
    var entries = [{ id: 'gaps', title: 'Gaps and findings' }];
    main.appendChild(findingsBlock(cfg.assessment));
    blockNames.forEach(function (name) {
      if (isEmpty(card[name]) || checklist.sections.some(function (s) { return s.id === name; })) return;
      entries.push({ id: 'block-' + name, title: humanise(name) });
      main.appendChild(h('section', { id: 'block-' + name, cls: 'block' }, [h('h2', { text: humanise(name) }), showValue(name, card[name], shapes[name])]));
    });
    checklist.sections.forEach(function (section) {
      var given = (card.answers || {})[section.id] || {};
      var el = h('section', { id: 'section-' + section.id, cls: 'section' }, [h('h2', { text: section.title })]);
      if (section.intro) el.appendChild(h('p', { cls: 'intro', text: section.intro }));
      if (!isEmpty(card[section.id]) && shapes[section.id]) {
        el.appendChild(h('div', { cls: 'block' }, [h('h3', { text: humanise(section.id) + ' (structured)' }), showValue(section.id, card[section.id], shapes[section.id])]));
      }
      section.items.forEach(function (item) { if (item.kinds.indexOf(kind) >= 0) el.appendChild(reviewItem(item, given[item.id])); });
      entries.push({ id: 'section-' + section.id, title: section.title });
      main.appendChild(el);
    });
    app.appendChild(h('div', { cls: 'layout' }, [nav(entries), main]));
  }

  /* --- the form ------------------------------------------------------------------------- */

  function buildForm() {
    var main = h('main', { id: 'main', tabindex: '-1' });
    var entries = [];
    var sectionIds = checklist.sections.map(function (s) { return s.id; });
    /* The first block (about) has a section of its own; the other structured blocks share one, so
       the table of contents stays short and the questions are a few Tab presses away. */
    var facts = null;
    blockNames.forEach(function (name) {
      var sh = shape(schema.properties[name]);
      if (name === 'format') return;  /* written by cardFormat(), not asked */
      if (sh.kind === 'object') blocks[name] = objectInput(name, sh, humanise(name) + (sectionIds.indexOf(name) >= 0 ? ' (structured)' : ''));
      else blocks[name] = input(name, sh, false);
      if (sectionIds.indexOf(name) >= 0) return;
      if (!entries.length) {
        entries.push({ id: 'block-' + name, title: humanise(name) });
        main.appendChild(h('section', { id: 'block-' + name, cls: 'block' }, [h('h2', { text: humanise(name) }), blocks[name].el]));
        return;
      }
      if (!facts) {
        facts = h('section', { id: 'block-facts', cls: 'block' }, [h('h2', { text: 'Structured facts' }),
          h('p', { cls: 'intro', text: 'The facts the assessment reads besides the answers: fill in what applies.' })]);
        entries.push({ id: 'block-facts', title: 'Structured facts' });
        main.appendChild(facts);
      }
      facts.appendChild(blocks[name].el);
    });
    checklist.sections.forEach(function (section) {
      var id = 'section-' + section.id;
      var bar = h('progress', { max: 1, value: 0, 'aria-labelledby': id + '-progress' });
      var progress = h('span', { id: id + '-progress' });
      var other = h('p', { cls: 'other-kinds' });
      var el = h('section', { id: id, cls: 'section' }, [
        h('h2', { text: section.title }),
        h('div', { cls: 'section-progress' }, [progress, bar])
      ]);
      if (section.intro) el.appendChild(h('p', { cls: 'intro', text: section.intro }));
      if (blocks[section.id]) el.appendChild(blocks[section.id].el);
      var views = section.items.map(function (item) { var w = itemInput(item); el.appendChild(w.el); return w; });
      el.appendChild(other);
      var navNote = h('span', { cls: 'nav-note' });
      entries.push({ id: id, title: section.title, note: navNote });
      sectionViews.push({ section: section, items: views, bar: bar, progress: progress, other: other, navNote: navNote });
      main.appendChild(el);
    });
    var layout = h('div', { cls: 'layout' }, [nav(entries), h('div', { cls: 'content' }, [toolbar(), main])]);
    app.appendChild(progressBlock());
    app.appendChild(layout);
    var stored = null;
    try { stored = window.localStorage.getItem(cfg.storageKey); } catch (e) { stored = null; }
    if (stored) {
      fill(JSON.parse(stored));
      status.textContent = 'Your answers from an earlier visit were restored from this browser.';
    } else fill(cfg.card);
    main.addEventListener('input', changed);
    main.addEventListener('change', changed);
    update();
  }

  /* The page's YAML writer and reader, for tests and for anyone checking them from the console. */
  window.ethicardYaml = Object.freeze({ write: toYaml, read: parseYaml });
  if (cfg.review) buildReview(); else buildForm();
  document.documentElement.setAttribute('data-ready', 'true');
}());
