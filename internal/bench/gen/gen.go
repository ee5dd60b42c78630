// Package gen writes large, realistic Postman Collection v2.1 exports for
// benchmarks and scale tests: nested folders, every auth type at every
// level, literal Authorization headers, raw/urlencoded/form-data bodies,
// scripts, saved examples and non-ASCII text, laid out as Postman writes
// them (tab indentation, "\n", no trailing newline).
//
// The output depends only on the request count and the seed, so every run
// of `make bench` measures the same bytes. It promises realism of shape and
// size (about 1.5 KB per request), not that the requests make sense.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Collection returns a collection of exactly requests requests.
func Collection(requests int, seed uint64) []byte {
	g := &generator{r: rand.New(rand.NewPCG(seed, 0x706d70726570)), left: requests}
	c := collection{
		Info: info{
			PostmanID:  g.uuid(),
			Name:       fmt.Sprintf("Large API — %d requests (ünïcödé, 日本語, emoji 🚀)", requests),
			Schema:     "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
			ExporterID: "12345678",
		},
		Auth: g.oauth2("https://auth.example.com/oauth2/token"),
		Event: []event{
			g.event("prerequest", []string{"// the team's own pre-request line", "pm.variables.set(\"ts\", Date.now());"}),
			g.event("test", []string{"pm.test(\"no server error\", function () {", "\tpm.expect(pm.response.code).to.be.below(500);", "});"}),
		},
		Variable: []kv{
			{Key: "base_url", Value: "https://api.example.com", Type: "string"},
			{Key: "tenant", Value: "acme", Type: "string"},
			{Key: "api_version", Value: "v3", Type: "string"},
		},
	}
	for g.left > 0 {
		if g.r.IntN(10) == 0 {
			c.Item = append(c.Item, g.request(0))
		} else {
			c.Item = append(c.Item, g.folder(0))
		}
	}
	var b bytes.Buffer
	b.Grow(requests * 1600)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // JSON.stringify leaves <, > and & alone
	enc.SetIndent("", "\t")
	if err := enc.Encode(c); err != nil {
		panic(err) // only plain Go values: cannot fail
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

type collection struct {
	Info     info    `json:"info"`
	Item     []any   `json:"item"`
	Auth     *auth   `json:"auth,omitempty"`
	Event    []event `json:"event,omitempty"`
	Variable []kv    `json:"variable,omitempty"`
}

type info struct {
	PostmanID  string `json:"_postman_id"`
	Name       string `json:"name"`
	Schema     string `json:"schema"`
	ExporterID string `json:"_exporter_id"`
}

type folder struct {
	Name        string  `json:"name"`
	Item        []any   `json:"item"`
	Description string  `json:"description,omitempty"`
	Auth        *auth   `json:"auth,omitempty"`
	Event       []event `json:"event,omitempty"`
}

type item struct {
	Name                    string          `json:"name"`
	Event                   []event         `json:"event,omitempty"`
	ProtocolProfileBehavior map[string]bool `json:"protocolProfileBehavior,omitempty"`
	Request                 request         `json:"request"`
	Response                []response      `json:"response"`
}

type request struct {
	Auth        *auth    `json:"auth,omitempty"`
	Method      string   `json:"method"`
	Header      []header `json:"header"`
	Body        *body    `json:"body,omitempty"`
	URL         url      `json:"url"`
	Description string   `json:"description,omitempty"`
}

type header struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Type        string `json:"type"`
	Disabled    bool   `json:"disabled,omitempty"`
	Description string `json:"description,omitempty"`
}

type body struct {
	Mode       string           `json:"mode"`
	Raw        string           `json:"raw,omitempty"`
	URLEncoded []kv             `json:"urlencoded,omitempty"`
	FormData   []kv             `json:"formdata,omitempty"`
	Options    *json.RawMessage `json:"options,omitempty"`
}

type url struct {
	Raw      string   `json:"raw"`
	Host     []string `json:"host"`
	Path     []string `json:"path"`
	Query    []kv     `json:"query,omitempty"`
	Variable []kv     `json:"variable,omitempty"`
}

type kv struct {
	Key         string `json:"key"`
	Value       any    `json:"value"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	Disabled    bool   `json:"disabled,omitempty"`
}

type auth struct {
	Type   string `json:"type"`
	Bearer []kv   `json:"bearer,omitempty"`
	OAuth2 []kv   `json:"oauth2,omitempty"`
	APIKey []kv   `json:"apikey,omitempty"`
	Basic  []kv   `json:"basic,omitempty"`
}

type event struct {
	Listen string `json:"listen"`
	Script script `json:"script"`
}

type script struct {
	Type string   `json:"type"`
	Exec []string `json:"exec"`
}

type response struct {
	Name            string   `json:"name"`
	OriginalRequest request  `json:"originalRequest"`
	Status          string   `json:"status"`
	Code            int      `json:"code"`
	PreviewLanguage string   `json:"_postman_previewlanguage"`
	Header          []header `json:"header"`
	Cookie          []any    `json:"cookie"`
	Body            string   `json:"body"`
}

type generator struct {
	r    *rand.Rand
	left int // requests still to write
	n    int // requests written
}

var (
	resources = []string{"users", "orders", "invoices", "products", "payments", "shipments", "accounts", "reports", "webhooks", "tenants", "documents", "subscriptions"}
	verbs     = []string{"List", "Get", "Create", "Update", "Delete", "Search", "Export", "Archive"}
	names     = []string{"Überweisungen", "Commandes à traiter", "注文一覧", "Заказы", "Pedidos ✔", "Płatności", "Αναφορές", "주문", "Rückerstattungen 💶", "طلبات"}
	methods   = []string{"GET", "GET", "GET", "POST", "PUT", "PATCH", "DELETE"}
)

func (g *generator) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *generator) uuid() string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", g.r.Uint32(), g.r.IntN(1<<16), g.r.IntN(1<<12), 0x8000|g.r.IntN(1<<14), g.r.Uint64()&(1<<48-1))
}

func (g *generator) token() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	b.WriteString("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.")
	for i := 0; i < 80; i++ {
		b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

func (g *generator) folder(depth int) folder {
	f := folder{Name: fmt.Sprintf("%s %d", g.pick(names), g.n)}
	if g.r.IntN(3) == 0 {
		f.Description = "Endpoints for " + g.pick(resources) + ". Siehe auch: «Handbuch», §4.2 — “quoted”."
	}
	f.Auth = g.auth(true)
	if g.r.IntN(8) == 0 {
		f.Event = []event{g.event("prerequest", []string{"pm.variables.set(\"folder\", " + fmt.Sprint(g.n) + ");"})}
	}
	for k := 3 + g.r.IntN(12); k > 0 && g.left > 0; k-- {
		f.Item = append(f.Item, g.request(depth+1))
	}
	if depth < 3 {
		for k := g.r.IntN(4); k > 0 && g.left > 0; k-- {
			f.Item = append(f.Item, g.folder(depth+1))
		}
	}
	if len(f.Item) == 0 {
		f.Item = []any{}
	}
	return f
}

// auth returns nil (inherit) about half the time, else one of the types
// Postman offers, with literal credentials as people leave them.
func (g *generator) auth(isFolder bool) *auth {
	switch g.r.IntN(20) {
	case 0, 1, 2, 3:
		return &auth{Type: "bearer", Bearer: []kv{{Key: "token", Value: g.token(), Type: "string"}}}
	case 4:
		return g.oauth2("https://auth.example.com/oauth2/token")
	case 5:
		return g.oauth2("https://login.partner.example.net/token") // another server: kept
	case 6:
		return &auth{Type: "apikey", APIKey: []kv{{Key: "value", Value: "k_" + g.token()[40:80], Type: "string"}, {Key: "key", Value: "X-API-Key", Type: "string"}, {Key: "in", Value: "header", Type: "string"}}}
	case 7:
		return &auth{Type: "basic", Basic: []kv{{Key: "password", Value: "hunter2-" + fmt.Sprint(g.n), Type: "string"}, {Key: "username", Value: "svc-reporting", Type: "string"}}}
	case 8:
		return &auth{Type: "noauth"}
	case 9:
		if !isFolder {
			return &auth{Type: "inherit"}
		}
	}
	return nil
}

func (g *generator) oauth2(tokenURL string) *auth {
	return &auth{Type: "oauth2", OAuth2: []kv{
		{Key: "accessToken", Value: g.token(), Type: "string"},
		{Key: "tokenType", Value: "Bearer", Type: "string"},
		{Key: "grant_type", Value: "client_credentials", Type: "string"},
		{Key: "accessTokenUrl", Value: tokenURL, Type: "string"},
		{Key: "clientId", Value: "{{client_id}}", Type: "string"},
		{Key: "clientSecret", Value: "{{client_secret}}", Type: "string"},
		{Key: "scope", Value: "read write", Type: "string"},
		{Key: "client_authentication", Value: "header", Type: "string"},
		{Key: "addTokenTo", Value: "header", Type: "string"},
	}}
}

func (g *generator) event(listen string, lines []string) event {
	return event{Listen: listen, Script: script{Type: "text/javascript", Exec: lines}}
}

func (g *generator) request(depth int) item {
	g.left--
	g.n++
	res := g.pick(resources)
	method := g.pick(methods)
	it := item{Name: fmt.Sprintf("%s %s #%d", g.pick(verbs), res, g.n)}
	if g.r.IntN(6) == 0 {
		it.Name += " — " + g.pick(names)
	}
	req := g.req(method, res)
	req.Auth = g.auth(false)
	if g.r.IntN(6) == 0 {
		it.Event = append(it.Event, g.event("test", []string{
			"pm.test(\"status is 2xx\", function () {",
			"\tpm.response.to.be.success;",
			"});",
			"const body = pm.response.json();",
			"pm.collectionVariables.set(\"last_" + res + "_id\", body.id);",
		}))
	}
	if g.r.IntN(15) == 0 {
		it.Event = append(it.Event, g.event("prerequest", []string{"pm.request.headers.upsert({key: \"X-Trace\", value: pm.variables.replaceIn(\"{{$guid}}\")});"}))
	}
	if method == "GET" && g.r.IntN(10) == 0 {
		it.ProtocolProfileBehavior = map[string]bool{"disableBodyPruning": true}
	}
	it.Request = req
	it.Response = []response{}
	if g.r.IntN(16) == 0 {
		for k := 1 + g.r.IntN(2); k > 0; k-- {
			it.Response = append(it.Response, g.example(req, res))
		}
	}
	return it
}

func (g *generator) req(method, res string) request {
	id := fmt.Sprint(g.r.IntN(100000))
	req := request{
		Method: method,
		Header: []header{{Key: "Accept", Value: "application/json", Type: "text"}},
		URL: url{
			Raw:  "{{base_url}}/" + res,
			Host: []string{"{{base_url}}"},
			Path: []string{res},
		},
	}
	if g.r.IntN(2) == 0 {
		req.URL.Raw += "/:id"
		req.URL.Path = append(req.URL.Path, ":id")
		req.URL.Variable = []kv{{Key: "id", Value: id}}
	}
	if g.r.IntN(3) == 0 {
		req.URL.Raw += "?limit=50"
		req.URL.Query = []kv{{Key: "limit", Value: "50"}}
	}
	switch g.r.IntN(10) {
	case 0, 1:
		req.Header = append(req.Header, header{Key: "Authorization", Value: "Bearer " + g.token(), Type: "text"})
	case 2:
		req.Header = append(req.Header, header{Key: "Authorization", Value: "Basic c3ZjOmh1bnRlcjI=", Type: "text"})
	case 3:
		req.Header = append(req.Header, header{Key: "authorization", Value: "bearer {{old_token}}", Type: "text", Disabled: true})
	}
	if g.r.IntN(5) == 0 {
		req.Header = append(req.Header, header{Key: "X-Request-Id", Value: "{{$guid}}", Type: "text", Description: "correlation id"})
	}
	if g.r.IntN(5) == 0 {
		req.Description = "Returns the " + res + " of the tenant. Ergebnisse werden nach `created_at` sortiert; 結果は作成日時順。"
	}
	if method == "POST" || method == "PUT" || method == "PATCH" {
		req.Header = append(req.Header, header{Key: "Content-Type", Value: "application/json", Type: "text"})
		switch g.r.IntN(6) {
		case 0:
			req.Body = &body{Mode: "urlencoded", URLEncoded: []kv{
				{Key: "name", Value: "Zoë Ångström", Type: "text"},
				{Key: "note", Value: "a&b=c", Type: "text"},
			}}
		case 1:
			req.Body = &body{Mode: "formdata", FormData: []kv{
				{Key: "file", Value: nil, Type: "file"},
				{Key: "comment", Value: "uploaded by pmprep bench", Type: "text"},
			}}
		default:
			opts := json.RawMessage(`{"raw":{"language":"json"}}`)
			req.Body = &body{Mode: "raw", Options: &opts, Raw: fmt.Sprintf(
				"{\n    \"name\": \"%s %d\",\n    \"email\": \"user%d@example.com\",\n    \"amount\": %d.%02d,\n    \"currency\": \"EUR\",\n    \"tags\": [\"bench\", \"ünïcode\", \"🚀\"],\n    \"city\": \"München\"\n}",
				res, g.n, g.n, g.r.IntN(10000), g.r.IntN(100))}
		}
	}
	return req
}

func (g *generator) example(req request, res string) response {
	req.Auth = nil
	code, status := 200, "OK"
	if g.r.IntN(4) == 0 {
		code, status = 404, "Not Found"
	}
	var b strings.Builder
	b.WriteString("{\n    \"data\": [\n")
	for i := 0; i < 3; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "        {\n            \"id\": %d,\n            \"type\": \"%s\",\n            \"name\": \"Ünïcödé %d — 名前\",\n            \"created_at\": \"2024-0%d-1%dT10:00:00Z\"\n        }", g.r.IntN(100000), res, i, 1+g.r.IntN(9), g.r.IntN(10))
	}
	b.WriteString("\n    ],\n    \"next\": null\n}")
	return response{
		Name:            fmt.Sprintf("%s %d", status, code),
		OriginalRequest: req,
		Status:          status,
		Code:            code,
		PreviewLanguage: "json",
		Header: []header{
			{Key: "Content-Type", Value: "application/json; charset=utf-8", Type: "text"},
			{Key: "X-RateLimit-Remaining", Value: "4999", Type: "text"},
		},
		Cookie: []any{},
		Body:   b.String(),
	}
}
