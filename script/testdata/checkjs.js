// checkjs.js is a long-lived worker for escape_test.go: for each input line
// {"pre": src, "test": src} it compiles both scripts (what node --check
// does) and evaluates, as JavaScript, the lines that embed values: the
// settings object of the pre-request script and the constants of the test
// script. It answers one JSON line: {"settings": ..., "testVars": [...]} or
// {"error": "..."}.
"use strict";
const vm = require("vm");
const readline = require("readline");

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let answer;
  try {
    answer = check(JSON.parse(line));
  } catch (e) {
    answer = { error: String(e && e.stack) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});

function check(req) {
  new vm.Script(req.pre, { filename: "prerequest.js" });
  const answer = {};
  const settingsLine = req.pre.split("\n").find((l) => l.trim().startsWith("var pmprepSettings = "));
  if (!settingsLine) throw new Error("no settings line");
  answer.settings = vm.runInNewContext(settingsLine + "\npmprepSettings");
  if (req.test) {
    new vm.Script(req.test, { filename: "test.js" });
    const varsLine = req.test.split("\n").find((l) => l.trim().startsWith("var USED = "));
    if (!varsLine) throw new Error("no constants line in the test script");
    answer.testVars = vm.runInNewContext(varsLine + "\n[USED, CACHE, RETRIED, PENDING]");
  }
  return answer;
}
