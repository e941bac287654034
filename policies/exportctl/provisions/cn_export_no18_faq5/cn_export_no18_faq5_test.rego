package exportctl.provisions.cn_export_no18_faq5_test

import data.exportctl.provisions.cn_export_no18_faq5

_tx(item, destination) := {
	"id": "T",
	"date": "2026-03-02",
	"transferor": {"name": "Exporter", "country": "CN"},
	"destination": destination,
	"items": [object.union({"id": "1", "origin": "CN"}, item)],
}

test_deep_processed_categories[category] if {
	some category in ["rotor_stator_assembly", "moulded_sensor", "calcined_catalyst", "phosphor", "consumer_product_with_magnet"]
	fs := cn_export_no18_faq5.findings with input as _tx({"category": category}, "DE")
	{[f.outcome, f.facts.category, f.provision] | some f in fs} == {["not_required", category, "CN-REE-0018-FAQ5"]}
}

test_silent[note] if {
	some note, tc in {
		"other category": {"item": {"category": "motor"}, "destination": "DE"},
		"explicit control code": {"item": {"category": "phosphor", "control_code": "1C904.b"}, "destination": "DE"},
		"transfer to China": {"item": {"category": "phosphor"}, "destination": "CN"},
	}
	count(cn_export_no18_faq5.findings) == 0 with input as _tx(tc.item, tc.destination)
}
