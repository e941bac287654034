package exportctl.calendar_test

import data.exportctl.calendar

test_statuses_on_a_date if {
	c := calendar.clauses_on_date with input as {"date": "2026-01-01"}
	c["mofcom_gac_2025_018/items_licence"].status.in_force
	not c["mofcom_2025_061/content_rule"].status.in_force
	c["mofcom_2025_061/content_rule"].status.would_apply_from == "2026-11-11"
	c["mofcom_2025_061/origin_rule"].published_on == "2025-10-09"
	c["mofcom_2025_061/origin_rule"].suspensions == [{"by": "MOFCOM/GAC Announcement No. 70 of 2025", "from": "2025-11-07", "through": "2026-11-10"}]
}

test_suspensions_name_their_instrument if {
	some s in calendar.suspensions
	s.by == "mofcom_gac_2025_070"
	s.instrument == "mofcom_2025_061"
}
