// The UN Security Council consolidated list (XML; lists.h says what goes
// where). pugixml does not throw, and it neither fetches nor expands
// DOCTYPE entities, so a hostile file cannot make it read elsewhere or
// blow up.
#include <pugixml.hpp>
#include <unordered_map>

#include "compliance/internal/fields.h"
#include "compliance/internal/files.h"
#include "compliance/internal/text.h"
#include "compliance/lists.h"

namespace meridian::compliance {
namespace {

using internal::AddUnique;
using internal::CollapseSpace;
using internal::LineError;

constexpr std::string_view kFile = "consolidated.xml";
constexpr size_t kMaxTextBytes = 64 * 1024;

class UnReader {
 public:
  explicit UnReader(std::string_view xml) : xml_(xml) {}

  Result<LoadedList> Read();

 private:
  size_t Line(pugi::xml_node node) const {
    const ptrdiff_t offset = node.offset_debug();
    return offset < 0 ? 0 : internal::LineOfOffset(xml_, offset);
  }

  // The text of `parent`'s child `name`, white space collapsed; "" when
  // there is none. Text over the limit fails the read (status_).
  std::string Text(pugi::xml_node parent, const char* name) {
    pugi::xml_node child = parent.child(name);
    if (!child) return "";
    std::string_view text = child.text().get();
    if (text.size() > kMaxTextBytes) {
      if (status_.ok()) {
        status_ = LineError(Line(child),
                            std::string(name) + " is longer than " +
                                std::to_string(kMaxTextBytes) + " bytes");
      }
      return "";
    }
    return CollapseSpace(text);
  }

  Status ReadEntry(pugi::xml_node node, EntityType type, ListEntry* e);

  std::string_view xml_;
  Status status_;
  internal::Notes notes_;
};

Status UnReader::ReadEntry(pugi::xml_node node, EntityType type, ListEntry* e) {
  // Counting lines is a scan from the start: only for errors.
  const auto line = [&] { return Line(node); };
  e->list = "UN";
  e->type = type;
  e->source_id = Text(node, "REFERENCE_NUMBER");
  if (e->source_id.empty()) e->source_id = Text(node, "DATAID");
  if (e->source_id.empty()) {
    return LineError(line(), std::string(node.name()) +
                                 " without REFERENCE_NUMBER or DATAID");
  }
  for (const char* part :
       {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"}) {
    std::string text = Text(node, part);
    if (text.empty()) continue;
    if (!e->name.empty()) e->name.push_back(' ');
    e->name += text;
  }
  std::string original = Text(node, "NAME_ORIGINAL_SCRIPT");
  if (e->name.empty()) {
    e->name = std::move(original);
  } else if (original != e->name) {
    AddUnique(&e->aliases, std::move(original));
  }
  if (e->name.empty()) {
    return LineError(line(), e->source_id + " has no name");
  }
  e->programs = Text(node, "UN_LIST_TYPE");
  e->remarks = Text(node, "COMMENTS1");

  for (pugi::xml_node n : node.children("NATIONALITY")) {
    for (pugi::xml_node v : n.children("VALUE")) {
      if (internal::EntryFull(*e)) break;
      notes_.AddCountry(CollapseSpace(v.text().get()), &e->countries);
    }
  }
  const char* alias_tag =
      type == EntityType::kIndividual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS";
  for (pugi::xml_node a : node.children(alias_tag)) {
    if (internal::EntryFull(*e)) break;
    std::string name = Text(a, "ALIAS_NAME");
    if (!name.empty() && name != e->name) {
      // Good, a.k.a., f.k.a. or none are aliases; the UN marks "Low" ones.
      AddUnique(Text(a, "QUALITY") == "Low" ? &e->weak_aliases : &e->aliases,
                std::move(name));
    }
    notes_.AddDates(Text(a, "DATE_OF_BIRTH"), &e->dates_of_birth);
    notes_.AddCountry(Text(a, "COUNTRY_OF_BIRTH"), &e->countries);
  }
  const char* address_tag =
      type == EntityType::kIndividual ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS";
  for (pugi::xml_node a : node.children(address_tag)) {
    if (internal::EntryFull(*e)) break;
    notes_.AddCountry(Text(a, "COUNTRY"), &e->countries);
  }
  for (pugi::xml_node p : node.children("INDIVIDUAL_PLACE_OF_BIRTH")) {
    if (internal::EntryFull(*e)) break;
    notes_.AddCountry(Text(p, "COUNTRY"), &e->countries);
  }
  for (pugi::xml_node d : node.children("INDIVIDUAL_DATE_OF_BIRTH")) {
    if (internal::EntryFull(*e)) break;
    // One of DATE, YEAR, FROM_YEAR..TO_YEAR; else maybe a NOTE such as
    // "August 1961" (or a Hijri date or an age, which stay unread).
    if (std::string date = Text(d, "DATE"); !date.empty()) {
      notes_.AddDates(date, &e->dates_of_birth);
    } else if (std::string year = Text(d, "YEAR"); !year.empty()) {
      notes_.AddDates(year, &e->dates_of_birth);
    } else if (std::string from = Text(d, "FROM_YEAR"); !from.empty()) {
      notes_.AddDates(from + " to " + Text(d, "TO_YEAR"), &e->dates_of_birth);
    } else {
      notes_.AddDates(Text(d, "NOTE"), &e->dates_of_birth);
    }
  }
  for (pugi::xml_node d : node.children("INDIVIDUAL_DOCUMENT")) {
    if (internal::EntryFull(*e)) break;
    Identifier id;
    id.number = Text(d, "NUMBER");
    if (id.number.empty()) continue;
    id.type = Text(d, "TYPE_OF_DOCUMENT");
    if (id.type.empty()) id.type = Text(d, "TYPE_OF_DOCUMENT2");
    if (id.type.empty()) id.type = "Document";
    std::string country = Text(d, "ISSUING_COUNTRY");
    if (country.empty()) country = Text(d, "COUNTRY_OF_ISSUE");
    id.country = notes_.Country(country);
    e->identifiers.push_back(std::move(id));
  }
  if (internal::EntryFull(*e)) return internal::CheckEntrySize(*e, line());
  return status_;
}

Result<LoadedList> UnReader::Read() {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml_.data(), xml_.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return LineError(
        internal::LineOfOffset(xml_, parsed.offset),
        std::string("not well-formed XML: ") + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "CONSOLIDATED_LIST") {
    return LineError(Line(root), "the root element is <" +
                                     std::string(root.name()) +
                                     ">, not the UN's <CONSOLIDATED_LIST>");
  }
  std::vector<ListEntry> entries;
  std::unordered_map<std::string, pugi::xml_node> seen;  // by source_id
  const struct {
    const char* group;
    const char* tag;
    EntityType type;
  } kKinds[] = {{"INDIVIDUALS", "INDIVIDUAL", EntityType::kIndividual},
                {"ENTITIES", "ENTITY", EntityType::kEntity}};
  for (const auto& kind : kKinds) {
    for (pugi::xml_node group : root.children(kind.group)) {
      for (pugi::xml_node node : group.children(kind.tag)) {
        if (entries.size() >= internal::kMaxEntries) {
          return LineError(
              Line(node), "more than " + std::to_string(internal::kMaxEntries) +
                              " entries");
        }
        ListEntry e;
        MERIDIAN_RETURN_IF_ERROR(ReadEntry(node, kind.type, &e));
        auto [it, fresh] = seen.emplace(e.source_id, node);
        if (!fresh) {
          return LineError(Line(node), e.source_id + " again (first on line " +
                                           std::to_string(Line(it->second)) +
                                           ")");
        }
        entries.push_back(std::move(e));
      }
    }
  }
  return internal::FinishList(
      "UN", std::string(kFile),
      CollapseSpace(root.attribute("dateGenerated").value()),
      std::move(entries), notes_);
}

}  // namespace

Result<LoadedList> ParseUnXml(std::string_view xml) {
  return internal::ParseOneFile(
      kFile, xml, [](std::string_view text) { return UnReader(text).Read(); });
}

Result<LoadedList> LoadUnXml(const std::string& path) {
  return internal::LoadOneFile(path, ParseUnXml);
}

}  // namespace meridian::compliance
