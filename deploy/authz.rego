# A sidecar's access rules, the embedded one's and every fleet sidecar's (deploy/opa-config.yaml):
# OPA consults `data.system.authz.allow` on every request when it runs with
# `--authentication=token --authorization=basic`.
#
# Only a caller with the sidecar's token (loaded as `data.system.exportctl_token`, outside the
# bundle) may call it, and only to read decisions, the calendar the `provisions` and `timeline`
# commands show, health, and status (which bundle revision is active, the last error:
# `exportctl fleet status`). Every write (policies, data) and every other read (config, other
# documents) is refused.
package system.authz

default allow := false

allow if {
	input.identity == data.system.exportctl_token
	some endpoint in endpoints
	input.path == endpoint.path
	input.method in endpoint.methods
}

endpoints := [
	{"path": ["health"], "methods": {"GET"}},
	{"path": ["v1", "status"], "methods": {"GET"}},
	{"path": ["v1", "data", "exportctl", "decision"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "batch", "decisions"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "calendar", "clauses_on_date"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "calendar", "timeline"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "config", "data_reviewed_on"], "methods": {"GET", "POST"}},
]
