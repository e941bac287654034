package exportctl.provisions.mofcom_faq_2025_05.deep_processed_test

import data.exportctl.provisions.mofcom_faq_2025_05.deep_processed
import data.exportctl.testing

_base := testing.transaction({"date": "2026-03-02"}, {})

test_deep_processed_categories[category] if {
	some category in ["rotor_stator_assembly", "moulded_sensor", "calcined_catalyst", "phosphor", "consumer_product_with_magnet"]
	testing.results(deep_processed.findings) == {testing.finding(
		"mofcom_faq_2025_05/deep_processed", "1", "not_required",
		{"category": category, "destination": "DE", "transferor_country": "CN"},
	)} with input as testing.transaction_from(_base, {}, {"category": category})
}

test_silent[note] if {
	some note, tc in {
		"other category": {"item": {"category": "motor"}, "destination": "DE"},
		"explicit control code": {"item": {"category": "phosphor", "control_code": "1C904.b"}, "destination": "DE"},
		"transfer to China": {"item": {"category": "phosphor"}, "destination": "CN"},
	}
	count(deep_processed.findings) == 0 with input as testing.transaction_from(_base, {"destination": tc.destination}, tc.item)
}
