/* The reception kiosk: catches a USB card reader's keystroke burst wherever the focus is.
 *
 * A reader types like a keyboard: digits (or hex) a few milliseconds apart, then Enter.
 * A person types ~100–300 ms apart. So a burst is: at least MIN_LENGTH keys, each
 * < MAX_GAP_MS after the previous one, ended by Enter, with the mean gap (Enter included)
 * < MEAN_GAP_MS. Anything slower is a person and is left alone.
 *
 * Characters come from KeyboardEvent.code (the physical key), not .key: with the Chinese
 * IME on, or NumLock off, .key is "Process" or "End"/"ArrowDown" while .code is still
 * "Digit1"/"Numpad1". Keys of an IME composition (isComposing, key "Process") are dropped.
 *
 * Swipes the server cannot be reached for are kept in localStorage with their swipe_id and
 * time and sent again later: the server's swipe_id is idempotent, so nothing is doubled.
 *
 * The kiosk posts with ask_kind: when no scheduled lesson decides and the student has usable
 * main and practice packages, the server asks (409 lesson_kind_required, nothing deducted);
 * the kiosk shows 主课 / 陪练 as two large buttons, answered by the key 1 or 2 (or a click),
 * and posts the swipe again with a new swipe_id, the first swipe's time and the kind. No
 * answer within CHOICE_MS: nothing is deducted.
 *
 * A teacher picks 上班 / 下班 (keys I / O, or the buttons) before swiping; a bare swipe
 * alternates (the server's default). The choice holds for one swipe or CLOCK_MS.
 *
 * A refusal shows what to do next (补交, 续费, 办卡, 补卡, 手工扣课: the server's next_steps),
 * in Chinese: never a code.
 */
(function () {
  "use strict";

  var MEAN_GAP_MS = 35;  // a reader: a few ms per key; a person: 100–300 ms
  var MAX_GAP_MS = 60;   // one late key (a busy browser) does not break a burst
  var MIN_LENGTH = 4;
  var MAX_LENGTH = 32;
  var QUEUE_KEY = "cardreader.kiosk.queue";
  var PING_MS = 10000;
  var RETRY_MS = 5000;
  var CHOICE_MS = 8000;  // the 主课 / 陪练 question waits this long, then nothing is deducted
  var CLOCK_MS = 30000;  // a teacher's 上班 / 下班 choice holds this long

  var root = document.getElementById("kiosk");
  if (!root) return;
  var swipeUrl = root.dataset.swipeUrl;
  var pingUrl = root.dataset.pingUrl;
  var slipUrl = root.dataset.slipUrl;
  var result = document.getElementById("kiosk-result");
  var banner = document.getElementById("kiosk-offline");
  var queuedLabel = document.getElementById("kiosk-queued");
  var log = document.getElementById("kiosk-log");
  var soundBox = document.getElementById("kiosk-sound");
  var clockIn = document.getElementById("kiosk-clock-in");
  var clockOut = document.getElementById("kiosk-clock-out");
  var clockLabel = document.getElementById("kiosk-clock-choice");

  var TITLES = {
    unknown_card: "无法识别的卡",
    card_lost: "此卡已挂失",
    card_returned: "此卡已退",
    no_package: "没有课时包",
    no_lessons_left: "课时已用完",
    package_expired: "课时包已过期",
    payment_due: "请先补交学费",
    duplicate_swipe: "一分钟内重复刷卡",
    already_checked_in: "已签到，未重复扣课",
    swiped_at_out_of_range: "刷卡时间不正确",
    forbidden: "无权刷卡",
    unauthorized: "请重新登录",
    invalid: "刷卡数据不正确"
  };

  // --- a question on screen: 主课 / 陪练 ----------------------------------------------------
  var question = null;  // {keys: {"1": choice, ...}, timer}

  function closeQuestion() {
    if (question) clearTimeout(question.timer);
    question = null;
  }

  function answerQuestion(choice) {
    var q = question;
    closeQuestion();
    q.answer(choice);
  }

  // --- a teacher's 上班 / 下班 ---------------------------------------------------------------
  var clockChoice = null;
  var clockTimer = null;

  function chooseClock(kind) {
    clockChoice = clockChoice === kind ? null : kind;
    clearTimeout(clockTimer);
    if (clockChoice) clockTimer = setTimeout(function () { chooseClock(null); }, CLOCK_MS);
    if (clockIn) clockIn.setAttribute("aria-pressed", clockChoice === "in" ? "true" : "false");
    if (clockOut) clockOut.setAttribute("aria-pressed", clockChoice === "out" ? "true" : "false");
    if (clockLabel) {
      clockLabel.textContent = clockChoice === "in" ? "下一次教员刷卡：上班" :
        clockChoice === "out" ? "下一次教员刷卡：下班" : "教员刷卡默认上班、下班交替";
    }
  }
  if (clockIn) clockIn.addEventListener("click", function () { chooseClock("in"); });
  if (clockOut) clockOut.addEventListener("click", function () { chooseClock("out"); });

  function codeToChar(code) {
    var m = /^(?:Digit|Numpad)([0-9])$/.exec(code);
    if (m) return m[1];
    m = /^Key([A-F])$/.exec(code);
    if (m) return m[1];
    if (code === "Comma" || code === "NumpadComma") return ",";
    return null;
  }

  function isEnter(e) {
    return e.code === "Enter" || e.code === "NumpadEnter";
  }

  function editable(el) {
    if (!el || !el.tagName) return null;
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || (tag === "input" && /^(text|search|tel|number|email|password|url|)$/.test(el.type || ""))) return el;
    if (el.isContentEditable) return el;
    return null;
  }

  // --- burst detection ------------------------------------------------------------------
  var burst = { chars: "", first: 0, last: 0, target: null, before: null };

  function resetBurst() {
    burst.chars = "";
    burst.first = 0;
    burst.last = 0;
    burst.target = null;
    burst.before = null;
  }

  document.addEventListener("keydown", function (e) {
    if (e.isComposing || e.key === "Process" || e.keyCode === 229) {
      resetBurst();
      return;
    }
    // a held key repeats every ~30 ms, as fast as a reader: never part of a swipe
    if (e.repeat || e.ctrlKey || e.altKey || e.metaKey) { resetBurst(); return; }
    var now = e.timeStamp || performance.now();
    var gap = burst.last ? now - burst.last : 0;
    // a person's single key (not a reader's burst): the answer to the question on screen,
    // or a teacher's 上班 / 下班
    if (!editable(document.activeElement) && (!burst.chars || gap >= MAX_GAP_MS)) {
      var digit = /^(?:Digit|Numpad)([0-9])$/.exec(e.code);
      if (question && digit && question.keys[digit[1]]) {
        // the answer, unless it is the first key of a reader's burst (another card): a key
        // that nothing follows within MAX_GAP_MS
        var choice = question.keys[digit[1]];
        var started = now;
        setTimeout(function () {
          if (question && burst.first === started && burst.chars.length === 1) {
            resetBurst();
            answerQuestion(choice);
          }
        }, MAX_GAP_MS + 20);
      } else if (e.code === "KeyI" || e.code === "KeyO") {
        resetBurst();
        chooseClock(e.code === "KeyI" ? "in" : "out");
        return;
      }
    }
    if (isEnter(e)) {
      var meanGap = (now - burst.first) / Math.max(1, burst.chars.length);
      var isSwipe = burst.chars.length >= MIN_LENGTH && burst.last && gap < MAX_GAP_MS && meanGap < MEAN_GAP_MS;
      if (isSwipe) {
        e.preventDefault();
        e.stopPropagation();
        var card = burst.chars;
        // the burst's characters went into a focused field as well: put it back as it was
        if (burst.target && burst.before !== null) {
          var t = burst.target;
          var restore = burst.before;
          setTimeout(function () { t.value = restore; }, 0);
        }
        resetBurst();
        submitSwipe(card);
      } else {
        resetBurst();
      }
      return;
    }
    var ch = codeToChar(e.code);
    if (ch === null) { resetBurst(); return; }
    if (!burst.chars || gap >= MAX_GAP_MS) {
      // a new candidate burst starts with this key
      var target = editable(document.activeElement);
      burst.chars = "";
      burst.first = now;
      burst.target = target;
      burst.before = target && "value" in target ? target.value : null;
    }
    if (burst.chars.length < MAX_LENGTH) burst.chars += ch;
    burst.last = now;
  }, true);

  // --- sending --------------------------------------------------------------------------
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (err) {
      return "";
    }
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (err) { return []; }
  }

  function saveQueue(q) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(q));
    queuedLabel.textContent = q.length ? "（暂存 " + q.length + " 次刷卡）" : "";
  }

  function post(item) {
    // a queued swipe is judged without a question: nobody is at the kiosk to answer it
    var body = { swipe_id: item.swipe_id, card: item.card, ask_kind: !item.lesson_kind && !item.queued };
    if (item.swiped_at) body.swiped_at = item.swiped_at;
    if (item.lesson_kind) body.lesson_kind = item.lesson_kind;
    if (item.clock) body.clock = item.clock;
    return fetch(swipeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // The reception PC's clock may be wrong: the time of a queued swipe is the server's,
  // as last measured by the ping. A swipe sent at once carries no time (the server's now).
  var clockOffsetMs = 0;

  function serverNow() {
    return new Date(Date.now() + clockOffsetMs).toISOString();
  }

  function submitSwipe(card, lessonKind, at) {
    closeQuestion();
    var item = { swipe_id: uuid4(), card: card };
    if (lessonKind) {
      item.lesson_kind = lessonKind;
      item.swiped_at = at;  // the answer to the question: the swipe's own time
    }
    if (clockChoice) {
      item.clock = clockChoice;
      chooseClock(null);
    }
    at = at || serverNow();
    showPending(card);
    post(item).then(function (answer) {
      online(true);
      if (answer.status === 409 && answer.data.error && answer.data.error.code === "lesson_kind_required") {
        askKind(card, at, answer.data);
        return;
      }
      show(card, answer.status, answer.data);
    }, function () {
      var q = loadQueue();
      item.swiped_at = at;
      item.queued = true;
      q.push(item);
      saveQueue(q);
      online(false);
      showQueued(card);
    });
  }

  function flushQueue() {
    var q = loadQueue();
    if (!q.length) return Promise.resolve();
    return post(q[0]).then(function (answer) {
      online(true);
      addLog(q[0].card, answer.status, answer.data);
      saveQueue(loadQueue().slice(1));
      return flushQueue();
    }, function () { online(false); });
  }

  // --- showing --------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(cls, nodes) {
    result.className = "kiosk-result " + cls;
    result.replaceChildren.apply(result, nodes);
  }

  function showPending(card) {
    render("idle", [el("p", "kiosk-hint", "正在签到… " + card)]);
  }

  function showQueued(card) {
    render("refused", [
      el("p", "kiosk-name", "网络中断"),
      el("p", "kiosk-big", "卡 " + card + " 已暂存，恢复连接后自动补传签到")
    ]);
  }

  function askKind(card, at, data) {
    var choices = data.choices || [];
    var keys = {};
    var buttons = el("div", "kiosk-choices");
    choices.forEach(function (c) {
      keys[c.key] = c.value;
      var b = el("button", "kiosk-choice", c.key + " " + c.label);
      b.type = "button";
      b.dataset.kind = c.value;
      b.addEventListener("click", function () { if (question) answerQuestion(c.value); });
      buttons.appendChild(b);
    });
    render("ask", [
      el("p", "kiosk-name", (data.student && data.student.name) || ""),
      el("p", "kiosk-big", "本次上主课还是陪练？请按 1 或 2"),
      buttons,
      el("p", "kiosk-hint-small", "未选择则不扣课")
    ]);
    question = {
      keys: keys,
      answer: function (kind) { submitSwipe(card, kind, at); },
      timer: setTimeout(function () {
        closeQuestion();
        render("refused", [
          el("p", "kiosk-name", (data.student && data.student.name) || ""),
          el("p", "kiosk-big", "未选择主课或陪练，本次未扣课，请重新刷卡")
        ]);
      }, CHOICE_MS)
    };
  }

  function nextSteps(steps) {
    var box = el("p", "kiosk-next noprint");
    (steps || []).forEach(function (s) {
      var a = el("a", "button kiosk-step", s.label);
      a.href = s.url;
      a.target = "_blank";
      a.dataset.action = s.action;
      box.appendChild(a);
    });
    return box;
  }

  function show(card, status, data) {
    addLog(card, status, data);
    if ((status === 200 || status === 201) && data.result === "checked_in") {
      var p = data.package || {};
      var nodes = [
        el("p", "kiosk-name", data.student.name),
        el("p", "kiosk-big", "签到成功 · " + (p.course || "") + " · 本次扣 1 课时"),
        el("p", "kiosk-big", "剩余"),
        el("p", "kiosk-left", String(data.lessons_left) + " 课时")
      ];
      if (p.valid_until) nodes.push(el("p", "kiosk-big", "有效期至 " + p.valid_until));
      (data.warnings || []).forEach(function (w) { nodes.push(el("p", "kiosk-warn", w.message)); });
      if (status === 200) nodes.push(el("p", "kiosk-code", "（重复提交的刷卡，未再次扣课）"));
      var link = el("a", "button noprint", "打印课次小票");
      link.href = slipUrl.replace(/0\/$/, data.attendance_id + "/");
      link.target = "_blank";
      nodes.push(el("p", "", ""));
      nodes[nodes.length - 1].appendChild(link);
      render("ok", nodes);
      return;
    }
    if ((status === 200 || status === 201) && (data.result === "clock_in" || data.result === "clock_out")) {
      render("clock", [
        el("p", "kiosk-name", (data.teacher && data.teacher.name) || ""),
        el("p", "kiosk-big", data.result === "clock_in" ? "上班打卡成功" : "下班打卡成功")
      ]);
      return;
    }
    var error = data.error || { code: "error", message: "刷卡失败（" + status + "）" };
    var nodes2 = [];
    if (data.student) nodes2.push(el("p", "kiosk-name", data.student.name));
    nodes2.push(el("p", "kiosk-name", TITLES[error.code] || "刷卡失败"));
    nodes2.push(el("p", "kiosk-big", error.message || ""));
    if (data.next_steps && data.next_steps.length) nodes2.push(nextSteps(data.next_steps));
    nodes2.push(el("p", "kiosk-code", "卡号 " + card + " · 未扣课"));
    render("refused", nodes2);
    beep();
  }

  function addLog(card, status, data) {
    var row = el("tr", status >= 300 ? "bad" : "");
    var time = new Date().toTimeString().slice(0, 8);
    var what;
    if (data.error) what = data.error.message;
    else if (data.student) what = "签到 · " + data.student.name + " · 剩余 " + data.lessons_left;
    else if (data.result) what = data.result === "clock_in" ? "上班打卡" : "下班打卡";
    else what = String(status);
    row.appendChild(el("td", "", time));
    row.appendChild(el("td", "", card));
    row.appendChild(el("td", "", what));
    log.insertBefore(row, log.firstChild);
    while (log.children.length > 30) log.removeChild(log.lastChild);
  }

  var audio = null;
  function beep() {
    if (soundBox && !soundBox.checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.25].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "square";
        osc.frequency.value = 880;
        gain.gain.value = 0.15;
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(audio.currentTime + offset);
        osc.stop(audio.currentTime + offset + 0.18);
      });
    } catch (err) { /* no sound device: the red screen is enough */ }
  }

  // --- reachability ---------------------------------------------------------------------
  function online(ok) {
    banner.hidden = ok;
    root.dataset.online = ok ? "1" : "0";
  }

  function ping() {
    var sent = Date.now();
    fetch(pingUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      online(r.ok);
      if (!r.ok) return;
      r.json().then(function (data) {
        var server = Date.parse(data.now);
        if (!isNaN(server)) clockOffsetMs = server - (sent + Date.now()) / 2;
      }, function () {});
      flushQueue();
    }, function () { online(false); });
  }

  window.addEventListener("offline", function () { online(false); });
  window.addEventListener("online", ping);
  setInterval(ping, PING_MS);
  setInterval(function () { if (loadQueue().length) flushQueue(); }, RETRY_MS);
  saveQueue(loadQueue());
  ping();
  window.kioskCodeToChar = codeToChar;
})();
