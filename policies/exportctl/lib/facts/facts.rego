# METADATA
# title: Facts a provision depends on
# description: >-
#   A provision declares the facts it depends on for the transfer at hand, each {field, path, why}:
#   `field` as the caller names it, `path` its place in the transaction (an array of keys and
#   indexes), `why` in plain words. A fact is known when the transaction has a value there that is
#   not null and not empty; an absent fact is never read as a harmless one, it becomes a question.
package exportctl.lib.facts

# METADATA
# description: True when the transaction has a value at `path` that is not null, "", [] or {}.
known(path) if not _empty(object.get(input, path, null))

_empty(null)

_empty("")

_empty([])

_empty({})

# METADATA
# description: The facts of `needed` that the transaction does not have, without their paths.
unknown(needed) := [object.remove(f, ["path"]) | some f in needed; not known(f.path)]
