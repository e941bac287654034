package authz_test

import data.system.authz

request(method, path) := {"identity": "the-token", "method": method, "path": path, "params": {}}

allows(req) if authz.allow with input as req with data.system.exportctl_token as "the-token"

decision := ["v1", "data", "exportctl", "decision"]

test_decisions_calendar_health_and_status_with_the_token_are_allowed if {
	allows(request("POST", decision))
	allows(request("GET", decision))
	allows(request("POST", ["v1", "data", "exportctl", "batch", "decisions"]))
	allows(request("POST", ["v1", "data", "exportctl", "calendar", "clauses_on_date"]))
	allows(request("POST", ["v1", "data", "exportctl", "calendar", "timeline"]))
	allows(request("POST", ["v1", "data", "exportctl", "config", "data_reviewed_on"]))
	allows(object.union(request("GET", ["health"]), {"params": {"bundles": [""]}}))
	allows(request("GET", ["v1", "status"]))
}

test_a_missing_or_wrong_token_is_refused if {
	not allows(object.remove(request("POST", decision), ["identity"]))
	not allows(object.union(request("POST", decision), {"identity": "the-token "}))
	not allows(object.union(request("POST", decision), {"identity": ""}))
	not allows(object.remove(request("GET", ["health"]), ["identity"]))
}

test_without_a_configured_token_everything_is_refused if {
	not authz.allow with input as request("POST", decision)
	not authz.allow with input as object.remove(request("POST", decision), ["identity"])
}

test_writes_and_other_reads_are_refused_even_with_the_token if {
	refused := [
		["PUT", ["v1", "policies", "x"]],
		["DELETE", ["v1", "policies", "x"]],
		["GET", ["v1", "policies"]],
		["PUT", ["v1", "data", "exportctl"]],
		["PUT", decision],
		["PATCH", ["v1", "data"]],
		["DELETE", decision],
		["GET", ["v1", "config"]],
		["POST", ["v1", "status"]],
		["GET", ["v1", "status", "x"]],
		["GET", ["v1", "data"]],
		["GET", ["v1", "data", "system"]],
		["POST", ["v1", "data", "exportctl"]],
		["POST", ["v1", "data", "exportctl", "decision", "x"]],
		["POST", ["v1", "data", "exportctl", "calendar"]],
		["POST", ["v1", "query"]],
		["POST", ["v1", "compile"]],
		["GET", ["metrics"]],
		["POST", ["health"]],
	]
	every r in refused {
		not allows(request(r[0], r[1]))
	}
}
