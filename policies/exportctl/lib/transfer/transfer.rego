# METADATA
# title: Kinds of transfer
# description: >-
#   Who transfers to where, as the instruments distinguish it: an export from China (an exporter
#   in China, a destination outside it), and a transfer by an overseas transferor to a country
#   other than China (Announcement No. 61). Transfers into China are neither.
package exportctl.lib.transfer

# METADATA
# description: An exporter in China sends the items out of China.
from_china if {
	input.transferor.country == "CN"
	input.destination != "CN"
}

# METADATA
# description: Who sends the items and where, as findings of a transfer record them.
facts := {"transferor_country": input.transferor.country, "destination": input.destination}

# METADATA
# description: A transferor outside China sends the items to a country other than China.
overseas if {
	input.transferor.country != "CN"
	input.destination != "CN"
}
