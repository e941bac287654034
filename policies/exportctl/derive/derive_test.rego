package exportctl.derive_test

import data.exportctl.derive

# The shipped index is what the records give: after an edit of a record, `make docs` rewrites it.
test_the_shipped_index_is_derived_from_the_records if {
	derive.index == data.exportctl.derived
}

# A segment runs from its day to the next segment's: the status on every day is the one computed.
test_segments_give_the_computed_status_on_every_boundary_and_around_it if {
	every ref, derived in data.exportctl.derived.clauses {
		every segment in derived.segments {
			_same_status(ref, segment.from)
			_same_status(ref, _day_before(segment.from))
		}
	}
}

_same_status(ref, day) if {
	computed := data.exportctl.lib.clauses.computed_status(ref, day)
	indexed := data.exportctl.lib.clauses.status(ref, day)
	indexed == object.union(computed, {"warnings": sort(computed.warnings)})
}

_day_before("0000-01-01") := "0000-01-01"

_day_before(day) := time.format([time.add_date(time.parse_ns("2006-01-02", day), 0, 0, -1), "UTC", "2006-01-02"]) if day != "0000-01-01"
