package secretlike

import "regexp"

// tokenFormat is a well-known token format: one with a fixed prefix at the
// start of a word (found by a one-pass scan over the text's word starts),
// or, with back > 0, a fixed hint inside it found with strings.Index (the
// token starts back bytes before the hint).
type tokenFormat struct {
	prefix   string // fixed start of the token (back == 0) or the hint inside it
	back     int
	pattern  string
	anchored *regexp.Regexp
}

// tokenFormats are provider token formats: the credential types users
// paste into Postman, found in any value or free text whatever its name.
//
// A hand list, chosen over gitleaks' rules as a Go module. Measured on
// this code base (linux/amd64, go build, 2026-12-05): pmprep is 8,514,219
// bytes; with github.com/zricethezav/gitleaks/v8 v8.30.1's config and
// detect packages merely linked in it is 20,843,906 bytes (2.4×: viper,
// its config loader, 71 modules in all; an earlier attempt measured 21.2
// against 8.5 MB). Its rules run as ~200 regexps over every string, where
// these are found by one scan for their fixed prefixes, and its generic
// rules ("generic-api-key") raise the very false alarms on Postman files
// (placeholders, ids, hashes) that strip must not. Each
// entry has a fixed prefix or hint and a length, so a word that merely
// starts like a token is not one. Sources: the providers' documented
// formats, as collected by gitleaks' and GitHub secret scanning's rules.
var tokenFormats = []*tokenFormat{
	// Postman
	{prefix: "PMAK-", pattern: `PMAK-[0-9a-f]{24}-[0-9a-f]{34}`},
	{prefix: "PMAT-", pattern: `PMAT-[0-9A-Z]{26}`},
	// Source hosting and CI
	{prefix: "gh", pattern: `gh[pousr]_[A-Za-z0-9]{36}`},
	{prefix: "github_pat_", pattern: `github_pat_[A-Za-z0-9_]{22,}`},
	{prefix: "glpat-", pattern: `glpat-[A-Za-z0-9_-]{20,}`},
	{prefix: "gldt-", pattern: `gldt-[A-Za-z0-9_-]{20,}`},
	{prefix: "glrt-", pattern: `glrt-[A-Za-z0-9_-]{20,}`},
	{prefix: "glptt-", pattern: `glptt-[0-9a-f]{40}`},
	{prefix: "glsoat-", pattern: `glsoat-[A-Za-z0-9_-]{20,}`},
	{prefix: "GR1348941", pattern: `GR1348941[A-Za-z0-9_-]{20,}`},
	{prefix: "CCIPAT_", pattern: `CCIPAT_[A-Za-z0-9]{22}_[0-9a-f]{40}`},
	{prefix: "bkua_", pattern: `bkua_[0-9a-f]{40}`},
	{prefix: "ATATT3", pattern: `ATATT3[A-Za-z0-9_=-]{100,}`},
	{prefix: "ATCTT3", pattern: `ATCTT3[A-Za-z0-9_=-]{100,}`},
	// Package registries
	{prefix: "npm_", pattern: `npm_[A-Za-z0-9]{36}`},
	{prefix: "pypi-", pattern: `pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`},
	{prefix: "dckr_pat_", pattern: `dckr_pat_[A-Za-z0-9_-]{27,}`},
	{prefix: "rubygems_", pattern: `rubygems_[0-9a-f]{48}`},
	{prefix: "oy2", pattern: `oy2[a-z0-9]{43}`},
	{prefix: "CLOJARS_", pattern: `CLOJARS_[a-z0-9]{60}`},
	{prefix: "AKCp", pattern: `AKCp[A-Za-z0-9]{69}`},
	// Chat and mail
	{prefix: "xox", pattern: `xox[abposre]-[A-Za-z0-9-]{10,}`},
	{prefix: "xapp-", pattern: `xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+`},
	{prefix: "hooks.slack.com/", pattern: `hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{40,}`},
	{prefix: "SG.", pattern: `SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`},
	{prefix: "key-", pattern: `key-[0-9a-f]{32}`},
	{prefix: "xkeysib-", pattern: `xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}`},
	{prefix: "SK", pattern: `SK[0-9a-fA-F]{32}`},
	{prefix: "-us", back: 32, pattern: `[0-9a-f]{32}-us[0-9]{1,2}`},
	// Payments and commerce
	{prefix: "k_live_", back: 1, pattern: `[rs]k_live_[A-Za-z0-9]{16,}`},
	{prefix: "whsec_", pattern: `whsec_[A-Za-z0-9+/=]{24,}`},
	{prefix: "sq0csp-", pattern: `sq0csp-[A-Za-z0-9_-]{43}`},
	{prefix: "sq0atp-", pattern: `sq0atp-[A-Za-z0-9_-]{22}`},
	{prefix: "EAA", pattern: `EAA[A-Za-z0-9]{60,}`},
	{prefix: "shp", pattern: `shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`},
	{prefix: "rzp_live_", pattern: `rzp_live_[A-Za-z0-9]{14}`},
	{prefix: "access_token$production$", pattern: `access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}`},
	{prefix: "access-production-", pattern: `access-production-[0-9a-f-]{36}`},
	// AI
	{prefix: "sk-", pattern: `sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)[0-9]{2}-)?[A-Za-z0-9_-]{40,}`},
	{prefix: "hf_", pattern: `hf_[A-Za-z]{34}`},
	{prefix: "gsk_", pattern: `gsk_[A-Za-z0-9]{52}`},
	{prefix: "r8_", pattern: `r8_[A-Za-z0-9]{37}`},
	{prefix: "pplx-", pattern: `pplx-[A-Za-z0-9]{48}`},
	{prefix: "xai-", pattern: `xai-[A-Za-z0-9]{80}`},
	// Cloud
	{prefix: "AKIA", pattern: `AKIA[0-9A-Z]{16}`},
	{prefix: "ASIA", pattern: `ASIA[0-9A-Z]{16}`},
	{prefix: "AIza", pattern: `AIza[0-9A-Za-z_-]{35}`},
	{prefix: "GOCSPX-", pattern: `GOCSPX-[A-Za-z0-9_-]{28}`},
	{prefix: "ya29.", pattern: `ya29\.[A-Za-z0-9_-]{30,}`},
	{prefix: "Q~", back: 4, pattern: `[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}`},
	{prefix: "dop_v1_", pattern: `dop_v1_[0-9a-f]{64}`},
	{prefix: "doo_v1_", pattern: `doo_v1_[0-9a-f]{64}`},
	{prefix: "dor_v1_", pattern: `dor_v1_[0-9a-f]{64}`},
	{prefix: "HRKU-", pattern: `HRKU-[A-Za-z0-9_-]{60}`},
	{prefix: "nfp_", pattern: `nfp_[A-Za-z0-9]{36}`},
	{prefix: "hvs.", pattern: `hvs\.[A-Za-z0-9_-]{90,}`},
	{prefix: "hvb.", pattern: `hvb\.[A-Za-z0-9_-]{90,}`},
	{prefix: ".atlasv1.", back: 14, pattern: `[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}`},
	{prefix: "dp.pt.", pattern: `dp\.pt\.[A-Za-z0-9]{43}`},
	{prefix: "pul-", pattern: `pul-[0-9a-f]{40}`},
	{prefix: "dapi", pattern: `dapi[0-9a-f]{32}`},
	{prefix: "sk.eyJ", pattern: `sk\.eyJ[A-Za-z0-9_-]{50,}\.[A-Za-z0-9_-]{20,}`},
	// Observability and tools
	{prefix: "sntrys_", pattern: `sntrys_[A-Za-z0-9_=+/]{50,}`},
	{prefix: "sntryu_", pattern: `sntryu_[0-9a-f]{64}`},
	{prefix: "NRAK-", pattern: `NRAK-[A-Z0-9]{27}`},
	{prefix: "glc_", pattern: `glc_[A-Za-z0-9+/]{32,}`},
	{prefix: "glsa_", pattern: `glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}`},
	{prefix: "lin_api_", pattern: `lin_api_[A-Za-z0-9]{40}`},
	{prefix: "ntn_", pattern: `ntn_[0-9]{11}[A-Za-z0-9]{35}`},
	{prefix: "secret_", pattern: `secret_[A-Za-z0-9]{43}`},
	{prefix: "figd_", pattern: `figd_[A-Za-z0-9_-]{40}`},
	{prefix: "CFPAT-", pattern: `CFPAT-[A-Za-z0-9_-]{43}`},
	{prefix: "AGE-SECRET-KEY-1", pattern: `AGE-SECRET-KEY-1[0-9A-Z]{58}`},
}

// byFirst indexes the prefixed formats by their first byte, for the scan
// over word starts; hinted are the formats found by their hint.
var byFirst, hinted = indexFormats()

func indexFormats() (first [256][]*tokenFormat, hinted []*tokenFormat) {
	for _, f := range tokenFormats {
		f.anchored = regexp.MustCompile(`^(?:` + f.pattern + `)`)
		if f.back > 0 {
			hinted = append(hinted, f)
			continue
		}
		first[f.prefix[0]] = append(first[f.prefix[0]], f)
	}
	return first, hinted
}
