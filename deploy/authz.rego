# The embedded sidecar's own access rules: OPA consults `data.system.authz.allow` on every
# request when it runs with `--authentication=token --authorization=basic`.
#
# Only the exportctl client may call it, with the sidecar's per-process token (loaded as
# `data.system.exportctl_token`, outside the bundle), and only to read decisions, the
# calendar the `provisions` and `timeline` commands show, and health. Every write (policies,
# data) and every other read (config, status, other documents) is refused.
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
	{"path": ["v1", "data", "exportctl", "decision"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "batch", "decisions"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "calendar", "clauses_on_date"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "calendar", "timeline"], "methods": {"GET", "POST"}},
	{"path": ["v1", "data", "exportctl", "config", "data_reviewed_on"], "methods": {"GET", "POST"}},
]
