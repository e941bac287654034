package exportctl.provisions.mofcom_faq_2025_05.deep_processed_test

import data.exportctl.provisions.mofcom_faq_2025_05.deep_processed

_tx(item, destination) := {
	"id": "T",
	"date": "2026-03-02",
	"transferor": {"name": "Exporter", "country": "CN"},
	"destination": destination,
	"items": [object.union({"id": "1", "origin": "CN"}, item)],
}

test_deep_processed_categories[category] if {
	some category in ["rotor_stator_assembly", "moulded_sensor", "calcined_catalyst", "phosphor", "consumer_product_with_magnet"]
	fs := deep_processed.findings with input as _tx({"category": category}, "DE")
	{[f.outcome, f.facts.category, f.provision] | some f in fs} == {["not_required", category, "mofcom_faq_2025_05/deep_processed"]}
}

test_silent[note] if {
	some note, tc in {
		"other category": {"item": {"category": "motor"}, "destination": "DE"},
		"explicit control code": {"item": {"category": "phosphor", "control_code": "1C904.b"}, "destination": "DE"},
		"transfer to China": {"item": {"category": "phosphor"}, "destination": "CN"},
	}
	count(deep_processed.findings) == 0 with input as _tx(tc.item, tc.destination)
}
