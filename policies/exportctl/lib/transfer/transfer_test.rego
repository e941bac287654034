package exportctl.lib.transfer_test

import data.exportctl.lib.transfer

test_kinds[note] if {
	some note, tc in {
		"export from China": {"from": "CN", "to": "DE", "want": {"from_china"}},
		"overseas transfer": {"from": "JP", "to": "VN", "want": {"overseas"}},
		"into China from abroad": {"from": "JP", "to": "CN", "want": set()},
		"within China": {"from": "CN", "to": "CN", "want": set()},
	}
	kinds := {"from_china" | transfer.from_china} | {"overseas" | transfer.overseas}
		with input as {"transferor": {"country": tc.from}, "destination": tc.to}
	kinds == tc.want
}
