// A small built-in sanctions list for demos and for machines without
// ../shared/data: a dozen widely reported designations, typed in by hand
// with the aliases, countries and dates the public record gives. It is not
// a substitute for the official lists (which `sanctions_dir` points at), and
// `meridian serve` says so when it screens against it.
#ifndef MERIDIAN_COMPLIANCE_DEMO_LIST_H_
#define MERIDIAN_COMPLIANCE_DEMO_LIST_H_

#include <vector>

#include "compliance/list_entry.h"

namespace meridian::compliance {

std::vector<ListEntry> DemoListEntries();

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_DEMO_LIST_H_
