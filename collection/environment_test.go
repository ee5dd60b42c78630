package collection

import (
	"encoding/json"
	"regexp"
	"testing"
)

func TestEnvironmentIDIsStableUUIDv5(t *testing.T) {
	a, b := EnvironmentID("My API/staging"), EnvironmentID("My API/staging")
	if a != b {
		t.Fatal("not deterministic")
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(a) {
		t.Fatalf("not a v5 UUID: %s", a)
	}
	if a == EnvironmentID("My API/prod") {
		t.Fatal("different names, same id")
	}
}

func TestNewEnvironmentShape(t *testing.T) {
	got := string(NewEnvironment("id-1", "staging", []EnvVar{{Key: "base_url", Value: "https://x"}, {Key: "client_secret", Secret: true}}))
	want := "{\n\t\"id\": \"id-1\",\n\t\"name\": \"staging\",\n\t\"values\": [\n\t\t{\n\t\t\t\"key\": \"base_url\",\n\t\t\t\"value\": \"https://x\",\n\t\t\t\"type\": \"default\",\n\t\t\t\"enabled\": true\n\t\t},\n\t\t{\n\t\t\t\"key\": \"client_secret\",\n\t\t\t\"value\": \"\",\n\t\t\t\"type\": \"secret\",\n\t\t\t\"enabled\": true\n\t\t}\n\t],\n\t\"_postman_variable_scope\": \"environment\"\n}\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	doc, err := Parse("e.json", []byte(got))
	if err != nil || doc.Kind != KindEnvironment {
		t.Fatalf("not read back as an environment: %v", err)
	}
}

func TestUpdateEnvironmentKeepsUserVariables(t *testing.T) {
	in := "{\n  \"id\": \"user-id\",\n  \"name\": \"staging\",\n  \"values\": [\n    {\"key\": \"mine\", \"value\": \"keep me\", \"enabled\": true},\n    {\"key\": \"base_url\", \"value\": \"old\", \"type\": \"default\", \"disabled\": true}\n  ],\n  \"_postman_exported_at\": \"2020-01-01T00:00:00.000Z\"\n}"
	doc := mustParseKind(t, in)
	out, err := UpdateEnvironment(doc, []EnvVar{{Key: "base_url", Value: "new"}, {Key: "client_secret", Secret: true}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"id\": \"user-id\",\n  \"name\": \"staging\",\n  \"values\": [\n    {\"key\": \"mine\", \"value\": \"keep me\", \"enabled\": true},\n    {\"key\": \"base_url\", \"value\": \"new\", \"type\": \"default\", \"disabled\": false, \"enabled\": true},\n    {\n      \"key\": \"client_secret\",\n      \"value\": \"\",\n      \"type\": \"secret\",\n      \"enabled\": true\n    }\n  ],\n  \"_postman_exported_at\": \"2020-01-01T00:00:00.000Z\"\n}"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if !json.Valid(out) {
		t.Fatal("invalid JSON")
	}
	again, _ := UpdateEnvironment(mustParseKind(t, string(out)), []EnvVar{{Key: "base_url", Value: "new"}, {Key: "client_secret", Secret: true}})
	if string(again) != string(out) {
		t.Errorf("second update changed the file")
	}
}

func mustParseKind(t *testing.T, s string) *Document {
	t.Helper()
	doc, err := Parse("t.json", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
