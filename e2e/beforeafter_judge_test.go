//go:build unix

package e2e

// The before/after judge: run a collection and its injected copy under the
// real newman with identical variables, every request reaching the
// servers.mjs recorder through recordProxy, and judge each request by what
// reached the server (SPEC "Every request keeps its meaning").
//
//	rs := startRecorder(t)                          // servers.mjs + proxy, one judge at a time
//	j := judgeBeforeAfter(t, rs, before, after, judgeOpts{ManagedVars: []string{"access_token"}})
//	j.expect(t, 3, 2, 1)                            // managed, untouched, newly authorised; 0 problems
//
// Classes (per request, paired by execution order):
//   - managed: the before request's effective auth (oracle: Item#getAuth) sent
//     a token of a managed domain (bearer {{v}} with v managed, a literal or
//     empty bearer token, an oauth2 block whose accessTokenUrl is managed or
//     whose accessToken is a managed variable). After, it must send
//     `Authorization: Bearer <token valid at a token server>` and every other
//     recorded byte must be identical.
//   - untouched: anything else that sent credentials, or sent none both
//     times. After, identical (method, scheme, host, path+query, every header
//     in order, body), and no token request attributed to it.
//   - newly-authorised: sent no Authorization before and has no auth of its
//     own (noauth/none), and after sends a valid bearer; the rest identical.
//
// Attribution of token requests: the recorder numbers token requests and
// recorded requests from one counter at arrival. A token request with
// sequence number s is attributed to the first recorded main request (a
// newman execution, identified by the x-record-seq response header) with a
// larger number; token requests after the last execution are unattributed
// (a run-level problem). A token request attributed to an untouched request
// is a problem, even when a later managed request uses its token: the spec
// says other requests trigger no token request.
//
// Volatile parts: the before copy runs twice; any header (by name), the URL
// or the body that differs between those two runs (e.g. {{$guid}},
// Date.now() in a script) is excluded from comparison for that request. Always
// excluded: Postman-Token, User-Agent, Content-Length (bodies are compared),
// and a multipart boundary (normalised in Content-Type and body).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

// recorderLifetime is the access-token lifetime of the judge's servers: long
// enough that no renewal falls inside a run.
const recorderLifetime = 300 * time.Second

// baNewmanTimeout bounds one newman run of the judge.
const baNewmanTimeout = 90 * time.Second

// Recorder is a servers.mjs process with its recorder and a recordProxy in
// front of it. Records are global to the process: one judge at a time.
type Recorder struct {
	*Servers
	Record    string
	RecordTLS string
	Proxy     *recordProxy
}

// Record is one row of GET /records.
type Record struct {
	Seq        int      `json:"seq"`
	Kind       string   `json:"kind"` // request | token
	Server     string   `json:"server"`
	Path       string   `json:"path"`
	Status     *int     `json:"status"`
	Scheme     string   `json:"scheme"`
	Host       string   `json:"host"`
	Method     string   `json:"method"`
	URL        string   `json:"url"`
	RawHeaders []string `json:"raw_headers"`
	BodyBase64 string   `json:"body_base64"`
	Bearer     *struct {
		Valid  bool   `json:"valid"`
		Reason string `json:"reason"`
		Server string `json:"server"`
		Client string `json:"client"`
	} `json:"bearer"`
}

// Header returns the values of the header name (case-insensitive), in order.
func (r Record) Header(name string) []string {
	var out []string
	for i := 0; i+1 < len(r.RawHeaders); i += 2 {
		if strings.EqualFold(r.RawHeaders[i], name) {
			out = append(out, r.RawHeaders[i+1])
		}
	}
	return out
}

// Body is the decoded body.
func (r Record) Body() []byte {
	b, _ := base64.StdEncoding.DecodeString(r.BodyBase64)
	return b
}

// validBearer reports whether the request sent Authorization: Bearer with a
// token the token servers issued and still accept.
func (r Record) validBearer() bool { return r.Bearer != nil && r.Bearer.Valid }

type recordsReply struct {
	Record    string   `json:"record"`
	RecordTLS string   `json:"record_tls"`
	Records   []Record `json:"records"`
	Dropped   int      `json:"dropped"`
}

// startRecorder starts servers.mjs (tokens live recorderLifetime) and a proxy
// to its recorder.
func startRecorder(t testing.TB) *Recorder {
	t.Helper()
	srv := startServers(t, recorderLifetime)
	rs := &Recorder{Servers: srv}
	var rr recordsReply
	srv.admin(t, "GET", "/records", &rr)
	if rr.Record == "" || rr.RecordTLS == "" {
		t.Fatal("servers.mjs has no record server (GET /records names none)")
	}
	rs.Record, rs.RecordTLS = rr.Record, rr.RecordTLS
	rs.Proxy = startRecordProxy(t, rr.Record, rr.RecordTLS)
	return rs
}

// Records returns every record since the last reset, by sequence number.
func (rs *Recorder) Records(t testing.TB) []Record {
	t.Helper()
	var rr recordsReply
	rs.admin(t, "GET", "/records", &rr)
	if rr.Dropped > 0 {
		t.Fatalf("recorder dropped %d records", rr.Dropped)
	}
	sort.Slice(rr.Records, func(i, j int) bool { return rr.Records[i].Seq < rr.Records[j].Seq })
	return rr.Records
}

// ResetRecords empties the record list.
func (rs *Recorder) ResetRecords(t testing.TB) {
	t.Helper()
	rs.admin(t, "POST", "/admin/reset-records", nil)
}

// recorderPool hands out recorders to parallel subtests, one judge each.
type recorderPool chan *Recorder

// newRecorderPool starts n recorders (in parallel) for the lifetime of t;
// call it in the parent of parallel subtests.
func newRecorderPool(t *testing.T, n int) recorderPool {
	t.Helper()
	p := make(recorderPool, n)
	for i := 0; i < n; i++ {
		p <- startRecorder(t)
	}
	return p
}

func (p recorderPool) get(t testing.TB) *Recorder {
	t.Helper()
	rs := <-p
	t.Cleanup(func() { p <- rs })
	return rs
}

// ---------------------------------------------------------------------------
// Running newman through the proxy

type baHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type baExecution struct {
	Cursor struct {
		Ref string `json:"ref"`
	} `json:"cursor"`
	Item struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"item"`
	Response *struct {
		Code   int        `json:"code"`
		Header []baHeader `json:"header"`
	} `json:"response"`
	RequestError *struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	} `json:"requestError"`
}

type baReport struct {
	Run struct {
		Failures   []NewmanFailure `json:"failures"`
		Executions []baExecution   `json:"executions"`
	} `json:"run"`
}

// recordedRun is one newman run with what reached the recorder.
type recordedRun struct {
	Newman  NewmanResult
	Execs   []baExecution
	Seqs    []int // per execution: x-record-seq of its response, 0 when none
	Records []Record
	bySeq   map[int]Record
	Fails   []string
}

// runRecorded runs file under the runner through rs's proxy with the
// variables (sorted, as --env-var) and extra args, and returns what was
// recorded.
func runRecorded(t testing.TB, run Runner, rs *Recorder, file string, vars map[string]string, extra ...string) recordedRun {
	t.Helper()
	rs.ResetRecords(t)
	args := []string{file, "--insecure", "--timeout-request", "15000", "--timeout-script", "15000"}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--env-var", k+"="+vars[k])
	}
	args = append(args, extra...)
	proxy := []string{"HTTP_PROXY=" + rs.Proxy.URL, "HTTPS_PROXY=" + rs.Proxy.URL, "NO_PROXY=127.0.0.1", "ALL_PROXY="}
	res := run.RunWith(t, RunOptions{Env: proxy, Timeout: baNewmanTimeout}, args...)
	rec := recordedRun{Newman: res}
	if res.Report == nil {
		res.Log(t)
		t.Fatalf("%s wrote no report for %s (exit %d)", run.Name, filepath.Base(file), res.ExitCode)
	}
	var rep baReport
	if err := json.Unmarshal(res.Report, &rep); err != nil {
		t.Fatalf("%s report: %v", run.Name, err)
	}
	// newman's JSON reporter pushes an item's execution object once per
	// request event, pm.sendRequest included: the same object, ending as the
	// main request. Keep one per cursor.
	for i, e := range rep.Run.Executions {
		if i+1 < len(rep.Run.Executions) && e.Cursor.Ref != "" && rep.Run.Executions[i+1].Cursor.Ref == e.Cursor.Ref {
			continue
		}
		rec.Execs = append(rec.Execs, e)
	}
	for _, f := range rep.Run.Failures {
		rec.Fails = append(rec.Fails, fmt.Sprintf("%s: %s: %s", f.Source.Name, f.Error.Name, f.Error.Message))
	}
	for _, e := range rec.Execs {
		seq := 0
		if e.Response != nil {
			for _, h := range e.Response.Header {
				if strings.EqualFold(h.Key, "x-record-seq") {
					fmt.Sscan(h.Value, &seq)
				}
			}
		}
		rec.Seqs = append(rec.Seqs, seq)
	}
	if os.Getenv("PMPREP_E2E_BA_TIMING") == "1" {
		t.Logf("%s %s: %v, %d executions", run.Name, filepath.Base(file), rec.Newman.Duration.Round(time.Millisecond), len(rec.Execs))
	}
	rec.Records = rs.Records(t)
	// The judge reads what reached the recorder: a runner that ignored the
	// proxy would make every request look "untouched".
	for _, e := range rec.Execs {
		if e.Response != nil && len(rec.Records) == 0 {
			res.Log(t)
			t.Fatalf("%s got responses for %s but nothing reached the recorder: is it honouring HTTP_PROXY?", run.Name, filepath.Base(file))
		}
	}
	rec.bySeq = map[int]Record{}
	for _, r := range rec.Records {
		rec.bySeq[r.Seq] = r
	}
	return rec
}

// ---------------------------------------------------------------------------
// The judge

// judgeOpts configures judgeBeforeAfter.
type judgeOpts struct {
	// ManagedVars are the token variables of the managed domain(s). Each gets
	// the sentinel STALE-<name> in every run. Default: pmprep_access_token and
	// the variable of the before collection's collection-level bearer token
	// or oauth2 accessToken.
	ManagedVars []string
	// ManagedTokenURLs: an oauth2 block with one of these accessTokenUrl
	// values is managed. Default: the collection-level oauth2 block's URL;
	// when the collection auth is not bearer either, the first oauth2
	// block's (the one zero-config reads).
	ManagedTokenURLs []string
	// Vars are further variables, identical in every run (token_url,
	// client_id, client_secret, fillers for undefined references...).
	Vars map[string]string
	// Args are further newman arguments for every run (e.g. -e ENV.json).
	Args []string
	// BeforeRuns: reuse these before runs (two of them) instead of running
	// the before copy again.
	BeforeRuns []recordedRun
	// Runner runs both copies; the zero Runner is newman.
	Runner Runner
}

func (o judgeOpts) runner() Runner {
	if o.Runner.run == nil {
		return runners[0]
	}
	return o.Runner
}

// Request classes.
const (
	classManaged   = "managed"
	classUntouched = "untouched"
	classNewAuth   = "newly-authorised"
	classUnpaired  = "unpaired"
)

// Verdict is the judgement of one request.
type Verdict struct {
	Index    int    // execution index
	Name     string // item name
	Path     string // JSON path (item[0].item[2]) when known
	Auth     string // effective auth type before (oracle), "" none
	Class    string
	Why      string // why this class
	Problems []string
}

// Judgement is the judge's result.
type Judgement struct {
	Requests    []Verdict
	RunProblems []string
	Counts      map[string]int // by class
	Before      []recordedRun
	After       recordedRun
}

// NProblems counts every problem.
func (j *Judgement) NProblems() int {
	n := len(j.RunProblems)
	for _, v := range j.Requests {
		n += len(v.Problems)
	}
	return n
}

// Summary is "3 managed, 2 untouched, 1 newly-authorised, 0 unpaired, 0 problems".
func (j *Judgement) Summary() string {
	return fmt.Sprintf("%d managed, %d untouched, %d newly-authorised, %d unpaired, %d problems",
		j.Counts[classManaged], j.Counts[classUntouched], j.Counts[classNewAuth], j.Counts[classUnpaired], j.NProblems())
}

// Table is a compact, redacted table of the verdicts (problems first).
func (j *Judgement) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", j.Summary())
	for _, p := range j.RunProblems {
		fmt.Fprintf(&b, "  RUN: %s\n", p)
	}
	for _, v := range j.Requests {
		mark := "ok "
		if len(v.Problems) > 0 {
			mark = "BAD"
		}
		auth := v.Auth
		if auth == "" {
			auth = "-"
		}
		fmt.Fprintf(&b, "  %s #%-3d %-16s %-8s %-22s %s\n", mark, v.Index, v.Class, auth, v.Path, v.Name)
		for _, p := range v.Problems {
			fmt.Fprintf(&b, "        - %s\n", p)
		}
	}
	return redact(b.String())
}

// expect asserts the class counts and zero problems, printing the table on
// failure.
func (j *Judgement) expect(t testing.TB, managed, untouched, newAuth int) {
	t.Helper()
	if j.NProblems() > 0 || j.Counts[classManaged] != managed || j.Counts[classUntouched] != untouched ||
		j.Counts[classNewAuth] != newAuth || j.Counts[classUnpaired] != 0 {
		t.Errorf("judge: want %d managed, %d untouched, %d newly-authorised, 0 problems; got:\n%s",
			managed, untouched, newAuth, j.Table())
	}
}

// runBefore runs the before copy twice to learn what is volatile, or once
// when the file can hold nothing volatile (no script, no {{$dynamic}}
// variable, no form-data body): then both entries are that one run.
func runBefore(t testing.TB, run Runner, rs *Recorder, before string, vars map[string]string, args []string) []recordedRun {
	t.Helper()
	first := runRecorded(t, run, rs, before, vars, args...)
	data, err := os.ReadFile(before)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.Contains(s, `"exec"`) && !strings.Contains(s, "{{$") && !strings.Contains(s, "formdata") {
		return []recordedRun{first, first}
	}
	return []recordedRun{first, runRecorded(t, run, rs, before, vars, args...)}
}

// judgeVars is the full variable set of every run: opts.Vars plus the
// managed sentinels.
func judgeVars(opts judgeOpts) map[string]string {
	vars := map[string]string{}
	for k, v := range opts.Vars {
		vars[k] = v
	}
	for _, v := range opts.ManagedVars {
		vars[v] = "STALE-" + v
	}
	return vars
}

// judgeBeforeAfter runs before and after (files) under opts.Runner (newman
// when unset) and judges every request; see the file comment.
func judgeBeforeAfter(t testing.TB, rs *Recorder, beforeFile, afterFile string, opts judgeOpts) *Judgement {
	t.Helper()
	oracle := effectiveAuthOracleList(t, beforeFile)
	if len(opts.ManagedVars) == 0 && len(opts.ManagedTokenURLs) == 0 {
		// The domains inject declares in its block (their variables, and the
		// token URLs they read): which token is managed is inject's stated
		// decision; that nothing else changes is what is judged.
		opts.ManagedVars, opts.ManagedTokenURLs = declaredManaged(t, afterFile)
	}
	defaultManaged(t, beforeFile, oracle, &opts)
	vars := judgeVars(opts)
	run := opts.runner()
	befores := opts.BeforeRuns
	if len(befores) < 2 {
		befores = runBefore(t, run, rs, beforeFile, vars, opts.Args)
	}
	after := runRecorded(t, run, rs, afterFile, vars, opts.Args...)
	return judgeRuns(beforeFile, oracle, befores, after, opts)
}

// declaredManaged reads the token domains from pmprep's block in an
// injected collection: each domain's token variable, and its token URL
// (literal, or the value the collection declares for a {{variable}} one).
func declaredManaged(t testing.TB, afterFile string) (vars, urls []string) {
	t.Helper()
	data, err := os.ReadFile(afterFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := collection.Parse(filepath.Base(afterFile), data)
	if err != nil {
		t.Fatalf("the injected collection does not parse: %v", err)
	}
	sc, ok := script.ParseBlock(collection.BlockLines(doc, "prerequest", script.IsBegin, script.IsEnd))
	if !ok {
		return nil, nil // a hand-written after copy (the judge's self-test)
	}
	declared := map[string]string{}
	doc.Variables().ForEach(func(_, v gjson.Result) bool {
		declared[v.Get("key").String()] = v.Get("value").String()
		return true
	})
	for _, tok := range sc.Tokens {
		vars = append(vars, tok.Vars.AccessToken)
		u := tok.TokenURL
		if name := varOf(u); name != "" {
			u = declared[name]
		}
		if u != "" {
			urls = append(urls, u)
		}
	}
	return vars, urls
}

// defaultManaged fills ManagedVars and ManagedTokenURLs when empty.
func defaultManaged(t testing.TB, beforeFile string, oracle []OracleAuth, opts *judgeOpts) {
	t.Helper()
	if len(opts.ManagedVars) > 0 && len(opts.ManagedTokenURLs) > 0 {
		return
	}
	data, err := os.ReadFile(beforeFile)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Auth json.RawMessage `json:"auth"`
	}
	_ = json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &c)
	params := authParams(c.Auth)
	if len(opts.ManagedVars) == 0 {
		opts.ManagedVars = []string{"pmprep_access_token"}
		tok := params["token"]
		if tok == "" {
			tok = params["accessToken"]
		}
		if v := varOf(tok); v != "" && v != "pmprep_access_token" {
			opts.ManagedVars = append(opts.ManagedVars, v)
		}
	}
	if len(opts.ManagedTokenURLs) == 0 {
		var typ struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(c.Auth, &typ)
		if u := params["accessTokenUrl"]; u != "" {
			opts.ManagedTokenURLs = []string{u}
		} else if typ.Type != "bearer" {
			for _, o := range oracle {
				if o.Type == "oauth2" && o.Param("accessTokenUrl") != "" {
					opts.ManagedTokenURLs = []string{o.Param("accessTokenUrl")}
					break
				}
			}
		}
	}
}

// authParams flattens an auth block's parameters of its type (v2.1 array or
// v2.0 object form) to strings.
func authParams(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	var typ string
	_ = json.Unmarshal(m["type"], &typ)
	var list []struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	}
	if json.Unmarshal(m[typ], &list) == nil {
		for _, p := range list {
			if s, ok := p.Value.(string); ok {
				out[p.Key] = s
			}
		}
		return out
	}
	var obj map[string]any
	if json.Unmarshal(m[typ], &obj) == nil {
		for k, v := range obj {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

var wholeVarRe = regexp.MustCompile(`^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$`)

// varOf returns v when s is exactly "{{v}}", else "".
func varOf(s string) string {
	if m := wholeVarRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// classify decides a request's class from its effective auth before (nil
// when unknown) and what it sent before. pending means "no credentials
// before": newly authorised or untouched, decided by what it sends after.
func classify(o *OracleAuth, b Record, opts judgeOpts) (class, why string, pending bool) {
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	hasAuthz := len(b.Header("Authorization")) > 0
	if o == nil {
		// No oracle entry: judge by what was sent.
		for _, a := range b.Header("Authorization") {
			if v, ok := strings.CutPrefix(a, "Bearer STALE-"); ok && in(opts.ManagedVars, v) {
				return classManaged, "sent the sentinel of " + v, false
			}
		}
		if hasAuthz {
			return classUntouched, "sent its own Authorization", false
		}
		return classUntouched, "sent no Authorization", true
	}
	switch o.Type {
	case "bearer":
		tok := o.Param("token")
		if v := varOf(tok); v != "" {
			if in(opts.ManagedVars, v) {
				return classManaged, "bearer {{" + v + "}}", false
			}
			return classUntouched, "bearer of another variable {{" + v + "}}", false
		}
		if strings.Contains(tok, "{{") {
			return classUntouched, "bearer of a composed value", false
		}
		return classManaged, "literal or empty bearer token", false
	case "oauth2":
		if u := o.Param("accessTokenUrl"); u != "" && in(opts.ManagedTokenURLs, u) {
			return classManaged, "oauth2 of the managed token URL", false
		}
		if v := varOf(o.Param("accessToken")); v != "" && in(opts.ManagedVars, v) {
			return classManaged, "oauth2 accessToken {{" + v + "}}", false
		}
		if tok := o.Param("accessToken"); o.Param("accessTokenUrl") == "" && tok != "" && !strings.Contains(tok, "{{") {
			return classManaged, "oauth2 block that only sends a pasted token", false
		}
		return classUntouched, "oauth2 of another token URL", false
	case "", "noauth":
		for _, h := range o.Authorization {
			// A header that sends a managed variable sends the managed token
			// (whatever a script of the collection set that variable to).
			v, ok := strings.CutPrefix(strings.TrimSpace(h), "Bearer ")
			if !ok {
				continue
			}
			if v = strings.TrimSpace(v); in(opts.ManagedVars, varOf(v)) {
				return classManaged, "Authorization header Bearer {{" + varOf(v) + "}}", false
			}
			// With no auth anywhere, a pasted bearer token is a stale token
			// of the managed domain (under noauth it stays what it is).
			if o.Type == "" && v != "" && !strings.Contains(v, "{{") {
				return classManaged, "Authorization header with a pasted bearer token", false
			}
		}
		if hasAuthz {
			return classUntouched, "own Authorization header", false
		}
		return classUntouched, "no credentials", true
	default:
		return classUntouched, o.Type + " auth", false
	}
}

// judgeRuns pairs and judges recorded runs.
func judgeRuns(beforeFile string, oracle []OracleAuth, befores []recordedRun, after recordedRun, opts judgeOpts) *Judgement {
	j := &Judgement{Counts: map[string]int{}, Before: befores, After: after}
	b0, b1 := befores[0], befores[1]

	// Run level: failures after that were not there before; executions.
	seen := map[string]bool{}
	for _, f := range b0.Fails {
		seen[f] = true
	}
	for _, f := range after.Fails {
		if !seen[f] {
			j.RunProblems = append(j.RunProblems, "new newman failure after inject: "+trunc(f, 200))
		}
	}
	if len(b0.Execs) != len(after.Execs) {
		j.RunProblems = append(j.RunProblems, fmt.Sprintf("%d executions before, %d after", len(b0.Execs), len(after.Execs)))
	}
	if nb, na := extraRequests(b0), extraRequests(after); nb != na {
		j.RunProblems = append(j.RunProblems, fmt.Sprintf("requests from scripts (pm.sendRequest) reaching the recorder: %d before, %d after", nb, na))
	}
	// Token requests after the last recorded execution.
	lastSeq := 0
	for _, s := range after.Seqs {
		if s > lastSeq {
			lastSeq = s
		}
	}
	for _, r := range after.Records {
		if r.Kind == "token" && r.Seq > lastSeq {
			j.RunProblems = append(j.RunProblems, fmt.Sprintf("token request (seq %d, %s %s) after the last request", r.Seq, r.Server, r.Path))
		}
	}

	// Which oracle entry belongs to an execution: by item id when the file
	// has ids, else by document order when names agree, else by a unique name.
	ids := itemIDs(beforeFile)
	byName := map[string][]int{}
	for i, o := range oracle {
		if len(o.Names) > 0 {
			byName[o.Names[len(o.Names)-1]] = append(byName[o.Names[len(o.Names)-1]], i)
		}
	}
	oracleFor := func(i int, e baExecution) *OracleAuth {
		if p, ok := ids[e.Item.ID]; ok {
			for k := range oracle {
				if oracle[k].Path == p {
					return &oracle[k]
				}
			}
		}
		if i < len(oracle) && len(oracle) == len(b0.Execs) && last(oracle[i].Names) == e.Item.Name {
			return &oracle[i]
		}
		if l := byName[e.Item.Name]; len(l) == 1 {
			return &oracle[l[0]]
		}
		return nil
	}

	prevSeq := 0
	n := len(b0.Execs)
	if len(after.Execs) > n {
		n = len(after.Execs)
	}
	for i := 0; i < n; i++ {
		v := Verdict{Index: i}
		if i >= len(b0.Execs) || i >= len(after.Execs) {
			v.Class = classUnpaired
			if i < len(after.Execs) {
				v.Name = after.Execs[i].Item.Name
				v.Problems = append(v.Problems, "runs after inject only")
			} else {
				v.Name = b0.Execs[i].Item.Name
				v.Problems = append(v.Problems, "ran before inject only")
			}
			j.Requests = append(j.Requests, v)
			j.Counts[v.Class]++
			continue
		}
		eb, ea := b0.Execs[i], after.Execs[i]
		v.Name = eb.Item.Name
		if ea.Item.Name != eb.Item.Name {
			v.Problems = append(v.Problems, fmt.Sprintf("execution %d is %q after, %q before", i, ea.Item.Name, eb.Item.Name))
		}
		o := oracleFor(i, eb)
		if o != nil {
			v.Path, v.Auth = o.Path, o.Type
		}
		rb, okb := b0.bySeq[b0.Seqs[i]]
		ra, oka := after.bySeq[after.Seqs[i]]
		// Token requests attributed to this execution.
		var tokens []Record
		if oka {
			for _, r := range after.Records {
				if r.Kind == "token" && r.Seq > prevSeq && r.Seq < ra.Seq {
					tokens = append(tokens, r)
				}
			}
			prevSeq = ra.Seq
		}
		switch {
		case !okb && !oka:
			v.Class, v.Why = classUntouched, "reached the server neither before nor after"
			j.Requests = append(j.Requests, v)
			j.Counts[v.Class]++
			continue
		case !okb:
			// A managed request whose stale token could not even be sent
			// (say a pasted token with a line break: newman refuses the
			// header) may now reach the server: with a fresh token only.
			if class, why, _ := classify(o, Record{}, opts); class == classManaged && ra.validBearer() {
				v.Class, v.Why = classManaged, why+"; before, newman could not send it"
			} else {
				v.Class = classUnpaired
				v.Problems = append(v.Problems, "reached the server after inject only")
			}
			j.Requests = append(j.Requests, v)
			j.Counts[v.Class]++
			continue
		}
		class, why, pending := classify(o, rb, opts)
		v.Class, v.Why = class, why
		if !oka {
			msg := "not sent after inject"
			if ea.RequestError != nil {
				msg += ": " + trunc(ea.RequestError.Message, 120)
			}
			v.Problems = append(v.Problems, msg)
			j.Requests = append(j.Requests, v)
			j.Counts[v.Class]++
			continue
		}
		var rb1 *Record
		if i < len(b1.Seqs) {
			if r, ok := b1.bySeq[b1.Seqs[i]]; ok {
				rb1 = &r
			}
		}
		vol := volatileParts(rb, rb1)
		afterAuthz := ra.Header("Authorization")
		if pending && len(afterAuthz) > 0 {
			if ra.validBearer() {
				v.Class, v.Why = classNewAuth, "sent nothing before, a fresh token after"
			} else {
				v.Problems = append(v.Problems, "sent no Authorization before; after: "+describeAuthz(ra))
			}
		}
		switch v.Class {
		case classManaged, classNewAuth:
			if !ra.validBearer() {
				v.Problems = append(v.Problems, "does not send a valid token after: "+describeAuthz(ra))
			}
			v.Problems = append(v.Problems, diffRecords(rb, ra, vol, true)...)
		case classUntouched:
			v.Problems = append(v.Problems, diffRecords(rb, ra, vol, false)...)
			if len(tokens) > 0 {
				v.Problems = append(v.Problems, fmt.Sprintf("%d token request(s) before it (first seq %d, %s %s), none needed", len(tokens), tokens[0].Seq, tokens[0].Server, tokens[0].Path))
			}
		}
		j.Requests = append(j.Requests, v)
		j.Counts[v.Class]++
	}
	return j
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// extraRequests counts recorded requests that are no execution's main
// request (pm.sendRequest from scripts).
func extraRequests(r recordedRun) int {
	main := map[int]bool{}
	for _, s := range r.Seqs {
		main[s] = true
	}
	n := 0
	for _, rec := range r.Records {
		if rec.Kind == "request" && !main[rec.Seq] {
			n++
		}
	}
	return n
}

// itemIDs maps item ids (id or _postman_id) of a collection file to JSON paths.
func itemIDs(file string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(file)
	if err != nil {
		return out
	}
	var c struct {
		Item []json.RawMessage `json:"item"`
	}
	if json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &c) != nil {
		return out
	}
	var walk func(items []json.RawMessage, prefix string)
	walk = func(items []json.RawMessage, prefix string) {
		for i, raw := range items {
			var it struct {
				ID   string            `json:"id"`
				PID  string            `json:"_postman_id"`
				Item []json.RawMessage `json:"item"`
			}
			_ = json.Unmarshal(raw, &it)
			p := fmt.Sprintf("%sitem[%d]", prefix, i)
			if it.Item != nil {
				walk(it.Item, p+".")
				continue
			}
			for _, id := range []string{it.ID, it.PID} {
				if id != "" {
					out[id] = p
				}
			}
		}
	}
	walk(c.Item, "")
	return out
}

func describeAuthz(r Record) string {
	a := r.Header("Authorization")
	if len(a) == 0 {
		return "no Authorization header"
	}
	s := redact(strings.Join(a, ", "))
	if r.Bearer != nil && !r.Bearer.Valid {
		s += " (token " + r.Bearer.Reason + ")"
	}
	return trunc(s, 100)
}

// volatile lists what differs between two runs of the same before copy.
type volatile struct {
	url, body bool
	headers   map[string]bool // lower-case names
}

func volatileParts(a Record, b *Record) volatile {
	v := volatile{headers: map[string]bool{}}
	if b == nil {
		return v
	}
	na, nb := normalise(a), normalise(*b)
	v.url = na.target != nb.target || na.method != nb.method
	v.body = !bytes.Equal(na.body, nb.body)
	ha, hb := headerMap(na.headers), headerMap(nb.headers)
	for k, x := range ha {
		if strings.Join(x, "\n") != strings.Join(hb[k], "\n") {
			v.headers[k] = true
		}
	}
	for k := range hb {
		if _, ok := ha[k]; !ok {
			v.headers[k] = true
		}
	}
	return v
}

type normRecord struct {
	method, target string
	headers        [][2]string
	body           []byte
}

var boundaryRe = regexp.MustCompile(`(?i)boundary=("?)([^";,\s]+)`)

// alwaysIgnored headers never count (lower case).
var alwaysIgnored = map[string]bool{"postman-token": true, "user-agent": true, "content-length": true}

// normalise replaces a multipart boundary with a fixed one.
func normalise(r Record) normRecord {
	n := normRecord{method: r.Method, target: r.Scheme + "://" + r.Host + r.URL, body: r.Body()}
	for i := 0; i+1 < len(r.RawHeaders); i += 2 {
		n.headers = append(n.headers, [2]string{r.RawHeaders[i], r.RawHeaders[i+1]})
	}
	for i, h := range n.headers {
		if strings.EqualFold(h[0], "content-type") {
			if m := boundaryRe.FindStringSubmatch(h[1]); m != nil && strings.HasPrefix(strings.ToLower(h[1]), "multipart/") {
				n.body = bytes.ReplaceAll(n.body, []byte(m[2]), []byte("BOUNDARY"))
				n.headers[i][1] = strings.Replace(h[1], m[2], "BOUNDARY", 1)
			}
		}
	}
	return n
}

func headerMap(h [][2]string) map[string][]string {
	m := map[string][]string{}
	for _, kv := range h {
		k := strings.ToLower(kv[0])
		m[k] = append(m[k], kv[1])
	}
	return m
}

// diffRecords lists how after differs from before, ignoring volatile parts,
// always-ignored headers and, with skipAuth, Authorization.
func diffRecords(b, a Record, vol volatile, skipAuth bool) []string {
	var out []string
	nb, na := normalise(b), normalise(a)
	if nb.method != na.method && !vol.url {
		out = append(out, fmt.Sprintf("method %s -> %s", nb.method, na.method))
	}
	if nb.target != na.target && !vol.url {
		out = append(out, fmt.Sprintf("URL %s -> %s", trunc(redact(nb.target), 120), trunc(redact(na.target), 120)))
	}
	keep := func(h [][2]string) []string {
		var l []string
		for _, kv := range h {
			k := strings.ToLower(kv[0])
			if alwaysIgnored[k] || (skipAuth && k == "authorization") {
				continue
			}
			val := kv[1]
			if vol.headers[k] {
				val = "<volatile>"
			}
			l = append(l, kv[0]+": "+val)
		}
		return l
	}
	hb, ha := keep(nb.headers), keep(na.headers)
	if strings.Join(hb, "\n") != strings.Join(ha, "\n") {
		mb, ma := headerMap(toPairs(hb)), headerMap(toPairs(ha))
		var names []string
		for k := range mb {
			names = append(names, k)
		}
		for k := range ma {
			if _, ok := mb[k]; !ok {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		changed := false
		for _, k := range names {
			x, y := strings.Join(mb[k], ", "), strings.Join(ma[k], ", ")
			switch {
			case len(mb[k]) == 0:
				out = append(out, fmt.Sprintf("header %s added: %s", k, trunc(redact(y), 80)))
			case len(ma[k]) == 0:
				out = append(out, fmt.Sprintf("header %s removed (was %s)", k, trunc(redact(x), 80)))
			case x != y:
				out = append(out, fmt.Sprintf("header %s: %s -> %s", k, trunc(redact(x), 80), trunc(redact(y), 80)))
			default:
				continue
			}
			changed = true
		}
		if !changed {
			out = append(out, "headers in another order")
		}
	}
	if !vol.body && !bytes.Equal(nb.body, na.body) {
		out = append(out, fmt.Sprintf("body differs (%d -> %d bytes)", len(nb.body), len(na.body)))
	}
	return out
}

func toPairs(l []string) [][2]string {
	var out [][2]string
	for _, s := range l {
		k, v, _ := strings.Cut(s, ": ")
		out = append(out, [2]string{k, v})
	}
	return out
}

// ---------------------------------------------------------------------------
// Variables for a collection

var refRe = regexp.MustCompile(`\{\{\s*([^{}\s][^{}]*?)\s*\}\}`)

// pmprepInputs are variables the injected script reads; never filled with a
// placeholder (the judge sets the ones it needs).
var pmprepInputs = map[string]bool{
	"token_url": true, "client_id": true, "client_secret": true, "scope": true, "audience": true,
	"username": true, "password": true, "refresh_token": true, "pmprep_access_token": true,
}

// fillerVars returns VAR-<name> for every {{name}} the collection references
// that neither the collection's variables nor envFile ("" for none) define,
// so hosts like {{baseUrl}} resolve (to a name the proxy sends to the
// recorder) identically in every run.
func fillerVars(t testing.TB, collFile, envFile string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(collFile)
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	var c struct {
		Variable []struct {
			Key      string `json:"key"`
			Disabled bool   `json:"disabled"`
		} `json:"variable"`
	}
	_ = json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &c)
	for _, v := range c.Variable {
		if !v.Disabled {
			defined[v.Key] = true
		}
	}
	if envFile != "" {
		ed, err := os.ReadFile(envFile)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Values []struct {
				Key      string `json:"key"`
				Disabled bool   `json:"disabled"`
			} `json:"values"`
		}
		_ = json.Unmarshal(bytes.TrimPrefix(ed, []byte("\xef\xbb\xbf")), &e)
		for _, v := range e.Values {
			if !v.Disabled {
				defined[v.Key] = true
			}
		}
	}
	out := map[string]string{}
	for _, m := range refRe.FindAllStringSubmatch(string(data), -1) {
		name := m[1]
		if strings.HasPrefix(name, "$") || defined[name] || pmprepInputs[name] || strings.ContainsAny(name, "=\n\r\"\\") || len(name) > 100 {
			continue
		}
		out[name] = "VAR-" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return '-'
		}, name)
	}
	return out
}

// writeFile writes data to path or fails the test.
func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
