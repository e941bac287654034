# METADATA
# title: Export from China of gallium and germanium items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 23 of 2023 requires a dual-use export licence for gallium-related
#   items (metal, nitride, oxide, phosphide, arsenide, indium gallium arsenide, selenide, antimonide)
#   and germanium-related items (metal, zone-refined ingots, zinc germanium phosphide, epitaxial
#   substrates, dioxide, tetrachloride). It stays in force while the US-specific ban of No. 46 of 2024
#   is suspended.
# related_resources:
#   - description: Law-firm summary of Announcement No. 23 of 2023
#     ref: https://www.mondaq.com/china/export-controls--trade--investment-sanctions/1350848/china-releases-latest-export-control-measures-on-gallium-and-germanium
#   - description: Supplier's copy of the announcement
#     ref: http://szfmmetal.com/index.php?c=News&a=view&aid=538&lang=en
# custom:
#   id: mofcom_gac_2023_023/items_licence
#   aliases:
#     - CN-GAGE-2023-01
#     - cn_export_gallium_germanium
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2023_023.items_licence

import data.exportctl.lib.listed_export

findings := listed_export.by_element(rego.metadata.chain())
