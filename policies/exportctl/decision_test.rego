package exportctl.decision_test

import data.exportctl
import data.exportctl.testing

_no18 := "mofcom_gac_2025_018/items_licence"

# An export from China to Germany of `items` on `date`.
_export(date, items) := testing.transaction({"id": "T-1", "date": date, "parties": [{"role": "end_user", "name": "Buyer GmbH", "country": "DE"}], "items": items}, {})

# No. 18's licence requirement for the Tb magnet (item 1) of `_export`.
_magnet_licence := testing.finding(_no18, "1", "license_required", {
	"classified_from": "material", "control_code": "1C904.a.4", "control_codes": ["1C904.a.4"],
	"destination": "DE", "transferor_country": "CN",
})

_magnet(id) := {"id": id, "origin": "CN", "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}

_licence := {
	"id": "MOFCOM-2026-001",
	"issuer": "MOFCOM",
	"type": "individual",
	"valid_from": "2026-01-01",
	"valid_until": "2026-12-31",
	"control_codes": ["1C904"],
}

test_listed_export_needs_licence if {
	d := exportctl.decision with input as _export("2026-03-02", [_magnet("1")])
	d.outcome == "license_required"
	d.licensing_policy == "standard"
	d.transaction_id == "T-1"
	[r.provision | some r in d.reasons] == [_no18]
	testing.reasons(d, _no18) == {_magnet_licence}
	d.reasons[0].citation.instrument == "MOFCOM/GAC Announcement No. 18 of 2025"
	d.items[0].outcome == "license_required"
	d.policy == {"revision": "unbundled", "data_reviewed_on": "2026-11-28"}
}

test_effective_date_boundary[date] if {
	some date, want in {"2025-04-03": "not_required", "2025-04-04": "license_required", "2025-04-05": "license_required"}
	d := exportctl.decision with input as _export(date, [_magnet("1")])
	d.outcome == want
}

test_before_effect_is_not_applied if {
	d := exportctl.decision with input as _export("2025-04-03", [_magnet("1")])
	d.reasons == []
	testing.not_applied(d, _no18) == {testing.not_yet_in_force(_no18, "2025-04-04")}
	not d.licensing_policy
}

test_licence_turns_requirement_into_licensed if {
	tx := object.union(_export("2026-03-02", [_magnet("1")]), {"licenses": [_licence]})
	d := exportctl.decision with input as tx
	d.outcome == "licensed"
	testing.reasons(d, _no18) == {object.union(_magnet_licence, {
		"outcome": "licensed",
		"licence": {"id": "MOFCOM-2026-001", "issuer": "MOFCOM", "type": "individual", "valid_until": "2026-12-31"},
	})}
}

test_most_severe_item_wins if {
	items := [_magnet("1"), {"id": "2", "origin": "CN"}, {"id": "3", "origin": "CN", "control_code": "not_listed"}]
	d := exportctl.decision with input as _export("2026-03-02", items)
	d.outcome == "license_required"
	[i.outcome | some i in d.items] == ["license_required", "insufficient_information", "not_required"]
	d.missing_facts[0].item == "2"
}

test_missing_fact_is_insufficient if {
	d := exportctl.decision with input as _export("2026-03-02", [{"id": "2", "origin": "CN", "hs_code": "8505111000"}])
	d.outcome == "insufficient_information"
	d.missing_facts[0] == {
		"field": "control_code", "item": "2", "provision": _no18,
		"why": "neither control_code nor material is given, so the item cannot be classified against items 1C902-1C908",
	}
}

test_an_invalid_transaction_is_decided_by_no_provision if {
	tx := object.remove(_export("2026-03-02", [{"id": "1"}, _magnet("2")]), ["destination"])
	d := exportctl.decision with input as tx
	d == {
		"transaction_id": "T-1",
		"date": "2026-03-02",
		"outcome": "insufficient_information",
		"items": [
			{"id": "1", "outcome": "insufficient_information", "reasons": []},
			{"id": "2", "outcome": "insufficient_information", "reasons": []},
		],
		"reasons": [],
		"not_applied": [],
		"missing_facts": [
			{"item": "*", "field": "destination", "why": "is required", "provision": "SCHEMA"},
			{"item": "*", "field": "items[0].origin", "why": "is required", "provision": "SCHEMA"},
		],
		"warnings": ["The transaction does not follow the transaction schema, so no provision was applied: correct the fields listed in missing_facts."],
		"policy": d.policy,
	}
}

test_an_input_without_id_or_date_still_gets_a_decision if {
	d := exportctl.decision with input as object.remove(_export("2026-02-30", [_magnet("1")]), ["id"])
	d.transaction_id == ""
	d.date == null
	d.outcome == "insufficient_information"
	{m.field | some m in d.missing_facts} == {"id", "date"}
	n := exportctl.decision with input as "not a transaction"
	n.transaction_id == ""
	n.items == []
}

test_provision_warning_shown_in_force if {
	item := {"id": "1", "origin": "CN", "control_code": "not_listed", "material": {"elements": ["Sm", "Co"], "form": "magnet"}}
	d := exportctl.decision with input as _export("2026-03-02", [item])
	d.outcome == "not_required"
	some w in d.warnings
	startswith(w, "item 1: declared not_listed, but its material (Sm-Co, form magnet) matches listed entries 1C902.a.4")
	before := exportctl.decision with input as _export("2025-01-01", [item])
	every w in before.warnings {
		not contains(w, "declared not_listed")
	}
}

test_revision_from_bundle_manifest if {
	d := exportctl.decision with input as _export("2026-03-02", [_magnet("1")])
		with data.system.bundles as {"b": {"manifest": {"revision": "sha256:abc"}}}
	d.policy.revision == "sha256:abc"
}

# An overseas transfer (Japan to Viet Nam) of a Chinese-origin Tb oxide on `date`, with `extra` merged in.
_reexport(date, extra) := testing.transaction_from(
	testing.overseas,
	object.union(
		{
			"id": "T-2", "date": date, "transferor": {"name": "Trader"},
			"parties": [{"role": "end_user", "name": "Buyer", "country": "VN", "military": false}],
			"end_use": {"categories": ["civil"]},
		},
		extra,
	),
	{"control_code": "1C904.b"},
)

test_humanitarian_exemption_exempts_no61_only if {
	d := exportctl.decision with input as _reexport("2025-10-20", {"end_use": {"categories": ["disaster_relief"]}})
	d.outcome == "exempt"
	{[r.provision, r.outcome] | some r in d.reasons} == {["mofcom_2025_061/origin_rule", "exempt"], ["mofcom_2025_061/humanitarian", "exempt"]}
	some r in d.reasons
	r.provision == "mofcom_2025_061/origin_rule"
	r.exempted_by == "mofcom_2025_061/humanitarian"
}

test_licensing_policy_is_most_severe if {
	d := exportctl.decision with input as _reexport("2025-10-20", {"end_use": {"categories": ["military", "military_ai"]}})
	d.outcome == "license_required"
	d.licensing_policy == "presumption_of_denial"
	c := exportctl.decision with input as _reexport("2025-10-20", {"end_use": {"categories": ["military_ai"]}})
	c.licensing_policy == "case_by_case"
}

test_transition_warning_for_older_contracts if {
	d := exportctl.decision with input as _reexport("2025-10-20", {"contract_date": "2025-09-01"})
	some w in d.warnings
	contains(w, "transition period")
	e := exportctl.decision with input as _reexport("2025-10-20", {"contract_date": "2025-10-09"})
	every w in e.warnings {
		not contains(w, "transition period")
	}
}

test_suspension_window_and_after[date] if {
	some date, tc in {
		"2025-11-06": {"outcome": "license_required", "warned": false},
		"2025-11-07": {"outcome": "not_required", "warned": false},
		"2026-11-10": {"outcome": "not_required", "warned": false},
		"2026-11-11": {"outcome": "license_required", "warned": true},
	}
	d := exportctl.decision with input as _reexport(date, {})
	d.outcome == tc.outcome
	warned := count([w | some w in d.warnings; contains(w, "last confirmed on 2026-11-10")]) > 0
	warned == tc.warned
}

test_de_minimis_reported_on_item if {
	item := {
		"id": "A", "origin": "KR", "material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"},
		"produced_with_cn_technologies": [],
		"value": {"amount": 1000, "currency": "USD"},
		"bom": [{"id": "A.1", "origin": "CN", "material": {"elements": ["Dy"], "form": "metal"}, "value": {"amount": 2, "currency": "USD"}}],
	}
	d := exportctl.decision with input as _reexport("2026-12-01", {"items": [item]})
	d.items[0].de_minimis.ratio == 0.002
	d.items[0].outcome == "license_required"
}

test_qualifying_provisions_follow_the_requirement[date] if {
	some date, tc in {
		"2025-10-08": {"in_force": false, "from": "2025-10-09"},
		"2025-10-20": {"in_force": true},
		"2026-01-01": {"in_force": false, "from": "2026-11-11"},
	}
	d := exportctl.decision with input as _reexport(date, {"end_use": {"categories": ["military"]}})
	{r.provision | some r in d.reasons; r.provision == "mofcom_2025_061/end_uses"} == {"mofcom_2025_061/end_uses"} == tc.in_force
	not_applied := {[n.provision, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_2025_061/end_uses"}
	not_applied == {["mofcom_2025_061/end_uses", tc.from] | not tc.in_force}
}

test_qualifying_provision_not_in_force_itself if {
	fixture := json.patch(data.exportctl.instruments, [{"op": "add", "path": "/mofcom_2025_061/clauses/end_uses/effective_from", "value": "2025-10-21"}])
	d := exportctl.decision with input as _reexport("2025-10-20", {"end_use": {"categories": ["military"]}})
		with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	some n in d.not_applied
	n.provision == "mofcom_2025_061/end_uses"
	n.would_apply_from == "2025-10-21"
}

test_qualifying_provision_waits_for_its_requirement if {
	item := {
		"id": "A", "origin": "KR", "material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"},
		"produced_with_cn_technologies": [],
		"value": {"amount": 1000, "currency": "USD"},
		"bom": [{"id": "A.1", "origin": "CN", "material": {"elements": ["Dy"], "form": "metal"}, "value": {"amount": 2, "currency": "USD"}}],
	}
	d := exportctl.decision with input as _reexport("2025-11-01", {"items": [item], "end_use": {"categories": ["military"]}})
	d.outcome == "not_required"
	some n in d.not_applied
	n.provision == "mofcom_2025_061/end_uses"
	n.would_apply_from == "2026-11-11"
	contains(n.because, "the requirement it qualifies (mofcom_2025_061/content_rule) is not in force")
}

test_qualifying_provision_with_no_known_resumption if {
	fixture := json.patch(data.exportctl.instruments, [{"op": "remove", "path": "/mofcom_gac_2025_070/suspends/4/through"}])
	d := exportctl.decision with input as _reexport("2025-11-01", {
		"items": [{
			"id": "A", "origin": "KR", "material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"},
			"produced_with_cn_technologies": [],
			"value": {"amount": 1000, "currency": "USD"},
			"bom": [{"id": "A.1", "origin": "CN", "material": {"elements": ["Dy"], "form": "metal"}, "value": {"amount": 2, "currency": "USD"}}],
		}],
		"end_use": {"categories": ["military"]},
	})
		with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	some n in d.not_applied
	n.provision == "mofcom_2025_061/end_uses"
	not n.would_apply_from
}

test_reason_carries_its_record_confidence if {
	d := exportctl.decision with input as _export("2026-03-02", [_magnet("1")])
	d.reasons[0].confidence == data.exportctl.instruments.mofcom_gac_2025_018.clauses.items_licence.confidence
	d.items[0].reasons[0].confidence == d.reasons[0].confidence
}

test_a_record_without_confidence_still_gives_its_reason_as_low if {
	fixture := json.patch(data.exportctl.instruments, [{"op": "remove", "path": "/mofcom_gac_2025_018/clauses/items_licence/confidence"}])
	d := exportctl.decision with input as _export("2026-03-02", [_magnet("1")]) with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	d.outcome == "license_required"
	[[r.provision, r.confidence] | some r in d.reasons] == [[_no18, "low"]]
}

_not_covered(d) := {w | some w in d.warnings; contains(w, "not covered")}

# After the review date the decision warns that later measures are not in the data, the day and the
# review date read from the transaction and the config; the outcome stays the recorded law's.
test_date_after_the_review_warns_that_later_measures_are_not_covered if {
	on_review := exportctl.decision with input as _export("2026-03-02", [_magnet("1")])
		with data.exportctl.config.data_reviewed_on as "2026-03-02"
	count(_not_covered(on_review)) == 0

	after := exportctl.decision with input as _export("2026-03-03", [_magnet("1")])
		with data.exportctl.config.data_reviewed_on as "2026-03-02"
	_not_covered(after) == {"the transaction's date 2026-03-03 is after 2026-03-02, the day the legal data was last reviewed against its sources: measures published, suspended, extended or repealed after 2026-03-02 are not covered, and the decision applies the law as recorded on that day"}
	after.outcome == on_review.outcome
	[r.provision | some r in after.reasons] == [r.provision | some r in on_review.reasons]
}
