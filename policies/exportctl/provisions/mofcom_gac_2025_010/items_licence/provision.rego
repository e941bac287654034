# METADATA
# title: Export from China of tungsten, tellurium, bismuth, molybdenum and indium items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 10 of 2025 requires a dual-use export licence for the listed tungsten
#   items (ammonium paratungstate, oxides, carbide; solid tungsten; W-Ni-Fe and W-Ni-Cu alloys),
#   tellurium items (metal; cadmium, cadmium-zinc and cadmium-mercury tellurides), bismuth items
#   (metal, bismuth germanate, two organobismuth compounds), molybdenum items, indium items (indium
#   phosphide, trimethyl- and triethylindium) and the related production technologies, from
#   4 February 2025.
# related_resources:
#   - description: Secondary copy of the tungsten part of the text, with its control codes
#     ref: https://www.huaxincarbide.com/news/the-impact-of-tungsten-export-control-coming-into-effect-on-the-tungsten-industry
#   - description: Xinhua report of the announcement and its effective date
#     ref: https://bignewsnetwork.com/news/275019500/1st-ld-writethru-china-announces-export-controls-on-items-related-to-tungsten-tellurium-bismuth-molybdenum-indium
# custom:
#   id: mofcom_gac_2025_010/items_licence
#   aliases:
#     - CN-0010-01
#     - cn_export_no10
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2025_010.items_licence

import data.exportctl.lib.listed_export

findings := listed_export.by_element(rego.metadata.chain())
