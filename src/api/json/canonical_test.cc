#include "api/json/canonical.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "api/json/json_reader.h"
#include "api/json/json_writer.h"

namespace meridian::json {
namespace {

std::string Canon(std::string_view raw) {
  Result<std::string> c = CanonicalJson(raw);
  EXPECT_TRUE(c.ok()) << c.error().ToString() << " for " << raw;
  return c.ok() ? *c : "";
}

TEST(CanonicalJsonTest, GoldenForms) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {R"( { "b" : 1 , "a" : [ true , false , null ] } )",
       R"({"a":[true,false,null],"b":1})"},
      {R"({"a":{"d":1,"c":2},"B":0})", R"({"B":0,"a":{"c":2,"d":1}})"},
      // Keys sort by UTF-8 bytes: 'Z' < 'a' < 'é' < '€' < '😀'.
      {"{\"\xF0\x9F\x98\x80\":1,\"\xE2\x82\xAC\":2,\"\xC3\xA9\":3,\"a\":4,"
       "\"Z\":5}",
       "{\"Z\":5,\"a\":4,\"\xC3\xA9\":3,\"\xE2\x82\xAC\":2,"
       "\"\xF0\x9F\x98\x80\":1}"},
      // Prefixes sort first.
      {R"({"ab":1,"a":2,"":3})", R"({"":3,"a":2,"ab":1})"},
      // One escaping.
      {R"(["\u0041\/\"\\\b\f\n\r\t\u001F\u00e9\ud83d\ude00"])",
       "[\"A/\\\"\\\\\\u0008\\u000c\\u000a\\u000d\\u0009\\u001f\xC3\xA9"
       "\xF0\x9F\x98\x80\"]"},
      // Numbers: exponent case and '+' only.
      {"[1E+5,1e-5,-0,0.10,1.0,1e0,-2.5E3,18446744073709551615,1.5E+300]",
       "[1e5,1e-5,-0,0.10,1.0,1e0,-2.5e3,18446744073709551615,1.5e300]"},
      {" 42 ", "42"},
      {"\t-1.0E+2\n", "-1.0e2"},
      {" true ", "true"},
      {R"("x")", R"("x")"},
      {"null", "null"},
      {"{}", "{}"},
      {"[ ]", "[]"},
  };
  for (const Case& c : cases) EXPECT_EQ(Canon(c.in), c.out) << c.in;
}

TEST(CanonicalJsonTest, Errors) {
  struct Case {
    std::string in;
    ErrorCode code;
    std::string message_part;
  };
  const Case cases[] = {
      {"", ErrorCode::kINVALID_JSON, "empty"},
      {"{", ErrorCode::kINVALID_JSON, "not valid JSON"},
      {R"({"a":1,"a":1})", ErrorCode::kINVALID_JSON, "more than once"},
      {R"({"a":1,"\u0061":1})", ErrorCode::kINVALID_JSON, "more than once"},
      {R"([{"x":{"k":1,"k":2}}])", ErrorCode::kINVALID_JSON, "more than once"},
      {"[01]", ErrorCode::kINVALID_JSON, "not valid JSON"},
      {"[1.]", ErrorCode::kINVALID_JSON, "not valid JSON"},
      {"[+1]", ErrorCode::kINVALID_JSON, "not valid JSON"},
      {"\"\xFF\"", ErrorCode::kINVALID_JSON, "not valid JSON"},
      {R"(["\ud800"])", ErrorCode::kINVALID_JSON, "not valid JSON"},
      {"[1] x", ErrorCode::kINVALID_JSON, "not valid JSON"},
      // simdjson refuses integers beyond 64 bits and numbers beyond double.
      {"[18446744073709551616]", ErrorCode::kINVALID_JSON, "number"},
      {"[1e400]", ErrorCode::kINVALID_JSON, "number"},
      {std::string(33, '[') + std::string(33, ']'), ErrorCode::kINVALID_JSON,
       "nested more than 32"},
      {std::string(kMaxBodyBytes + 1, ' '), ErrorCode::kBODY_TOO_LARGE,
       "limit"},
  };
  for (const Case& c : cases) {
    Result<std::string> r = CanonicalJson(c.in);
    ASSERT_FALSE(r.ok()) << c.in.substr(0, 40);
    EXPECT_EQ(r.error().code, c.code) << c.in.substr(0, 40);
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos)
        << r.error().message;
  }
  EXPECT_TRUE(CanonicalJson(std::string(32, '[') + std::string(32, ']')).ok());
}

TEST(CanonicalJsonTest, FieldLimit) {
  std::string big = "{";
  for (size_t i = 0; i <= kMaxObjectFields; ++i) {
    if (i > 0) big += ",";
    big += "\"k" + std::to_string(i) + "\":1";
  }
  big += "}";
  EXPECT_EQ(CanonicalJson(big).error().code, ErrorCode::kINVALID_JSON);
}

TEST(CanonicalJsonTest, UsableWhileABodyIsBeingRead) {
  JsonBody body = JsonBody::Parse(R"({"a":1})").value();
  EXPECT_EQ(Canon(R"({"z":1,"y":2})"), R"({"y":2,"z":1})");
  EXPECT_EQ(body.root().Int64("a", 0, 9).value(), 1);
}

// ---- Property: random documents, written many ways, canonicalise equal.

struct Node {
  enum Kind { kNull, kTrue, kFalse, kNumber, kString, kArray, kObject };
  Kind kind = kNull;
  // kNumber: mantissa text, and an exponent when has_exponent.
  std::string text;
  bool has_exponent = false;
  bool exponent_negative = false;
  int exponent = 0;
  std::vector<std::pair<std::string, Node>> members;  // kObject
  std::vector<Node> items;                            // kArray
};

// Code points chosen to hit every escaping path and UTF-8 length.
const char32_t kAlphabet[] = {'a',  'Z',    '0',     ' ',    '"',   '\\',
                              '/',  '\n',   '\t',    0x01,   0x1f,  0x7f,
                              0xe9, 0x20ac, 0x1f600, 0xffff, 0x800, 0x10ffff};

void AppendUtf8(std::string* out, char32_t c) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Pick(int n) {
    return static_cast<int>(rng_() % static_cast<uint64_t>(n));
  }

  std::u32string RandomText(int max_len) {
    std::u32string s;
    int len = Pick(max_len + 1);
    for (int i = 0; i < len; ++i) {
      s.push_back(kAlphabet[Pick(std::size(kAlphabet))]);
    }
    return s;
  }

  Node RandomNode(int depth) {
    Node n;
    int kinds = depth >= 4 ? 5 : 7;
    n.kind = static_cast<Node::Kind>(Pick(kinds));
    switch (n.kind) {
      case Node::kNumber:
        n.text = RandomNumberText();
        n.has_exponent = Pick(3) == 0;
        n.exponent_negative = Pick(2) == 0;
        // Within double range even with a 20-digit mantissa.
        n.exponent = Pick(250);
        break;
      case Node::kString: {
        std::string utf8;
        for (char32_t c : RandomText(8)) AppendUtf8(&utf8, c);
        n.text = utf8;
        break;
      }
      case Node::kArray:
        for (int i = Pick(5); i > 0; --i)
          n.items.push_back(RandomNode(depth + 1));
        break;
      case Node::kObject: {
        std::vector<std::string> keys;
        for (int i = Pick(6); i > 0; --i) {
          std::string key;
          for (char32_t c : RandomText(4)) AppendUtf8(&key, c);
          if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
          keys.push_back(key);
          n.members.emplace_back(key, RandomNode(depth + 1));
        }
        break;
      }
      default:
        break;
    }
    return n;
  }

  // Integers of up to 18 digits (simdjson refuses integers beyond 64
  // bits); with a fraction, up to 25.
  std::string RandomNumberText() {
    std::string s;
    if (Pick(2) == 0) s += "-";
    const bool fraction = Pick(2) == 0;
    if (Pick(4) == 0) {
      s += "0";
    } else {
      s += static_cast<char>('1' + Pick(9));
      for (int i = Pick(fraction ? 25 : 18); i > 0; --i) {
        s += static_cast<char>('0' + Pick(10));
      }
    }
    if (fraction) {
      s += ".";
      for (int i = Pick(5) + 1; i > 0; --i) {
        s += static_cast<char>('0' + Pick(10));
      }
    }
    return s;
  }

  // Writes `n` with random whitespace, key order, string escaping and
  // exponent spelling.
  void Write(const Node& n, std::string* out) {
    Space(out);
    switch (n.kind) {
      case Node::kNull:
        *out += "null";
        break;
      case Node::kTrue:
        *out += "true";
        break;
      case Node::kFalse:
        *out += "false";
        break;
      case Node::kNumber:
        *out += n.text;
        if (n.has_exponent) {
          *out += Pick(2) == 0 ? "e" : "E";
          if (n.exponent_negative) {
            *out += "-";
          } else if (Pick(2) == 0) {
            *out += "+";
          }
          *out += std::to_string(n.exponent);
        }
        break;
      case Node::kString:
        WriteString(n.text, out);
        break;
      case Node::kArray:
        *out += "[";
        for (size_t i = 0; i < n.items.size(); ++i) {
          if (i > 0) *out += ",";
          Write(n.items[i], out);
        }
        Space(out);
        *out += "]";
        break;
      case Node::kObject: {
        std::vector<size_t> order(n.members.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng_);
        *out += "{";
        for (size_t i = 0; i < order.size(); ++i) {
          if (i > 0) *out += ",";
          Space(out);
          WriteString(n.members[order[i]].first, out);
          Space(out);
          *out += ":";
          Write(n.members[order[i]].second, out);
        }
        Space(out);
        *out += "}";
        break;
      }
    }
    Space(out);
  }

 private:
  void Space(std::string* out) {
    static const char* kSpaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    *out += kSpaces[Pick(std::size(kSpaces))];
  }

  void Escape16(std::string* out, unsigned v) {
    static const char* kHexLower = "0123456789abcdef";
    static const char* kHexUpper = "0123456789ABCDEF";
    const char* hex = Pick(2) == 0 ? kHexLower : kHexUpper;
    *out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) *out += hex[(v >> shift) & 15];
  }

  void WriteString(const std::string& utf8, std::string* out) {
    *out += '"';
    // Decode code points again so each can be spelt several ways.
    for (size_t i = 0; i < utf8.size();) {
      auto b = static_cast<unsigned char>(utf8[i]);
      size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      char32_t c = len == 1   ? b
                   : len == 2 ? b & 0x1F
                   : len == 3 ? b & 0x0F
                              : b & 0x07;
      for (size_t k = 1; k < len; ++k) {
        c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
      }
      const std::string raw = utf8.substr(i, len);
      i += len;
      const bool must_escape = c < 0x20 || c == '"' || c == '\\';
      const int how = Pick(3);
      if (!must_escape && how == 0) {
        *out += raw;
      } else if (c == '"' && how == 1) {
        *out += "\\\"";
      } else if (c == '\\' && how == 1) {
        *out += "\\\\";
      } else if (c == '/' && how == 1) {
        *out += "\\/";
      } else if (c == '\n' && how == 1) {
        *out += "\\n";
      } else if (c == '\t' && how == 1) {
        *out += "\\t";
      } else if (c >= 0x10000) {
        char32_t v = c - 0x10000;
        Escape16(out, 0xD800 + static_cast<unsigned>(v >> 10));
        Escape16(out, 0xDC00 + static_cast<unsigned>(v & 0x3FF));
      } else if (!must_escape && how == 2) {
        *out += raw;
      } else {
        Escape16(out, static_cast<unsigned>(c));
      }
    }
    *out += '"';
  }

  std::mt19937_64 rng_;
};

// The canonical form computed from the tree itself, independently of the
// parser: the specification of CanonicalJson in code.
void Expected(const Node& n, std::string* out) {
  switch (n.kind) {
    case Node::kNull:
      *out += "null";
      break;
    case Node::kTrue:
      *out += "true";
      break;
    case Node::kFalse:
      *out += "false";
      break;
    case Node::kNumber:
      *out += n.text;
      if (n.has_exponent) {
        *out += n.exponent_negative ? "e-" : "e";
        *out += std::to_string(n.exponent);
      }
      break;
    case Node::kString:
      JsonWriter::AppendQuoted(out, n.text);
      break;
    case Node::kArray:
      *out += "[";
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) *out += ",";
        Expected(n.items[i], out);
      }
      *out += "]";
      break;
    case Node::kObject: {
      std::vector<const std::pair<std::string, Node>*> sorted;
      for (const auto& m : n.members) sorted.push_back(&m);
      std::sort(sorted.begin(), sorted.end(),
                [](auto* a, auto* b) { return a->first < b->first; });
      *out += "{";
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i > 0) *out += ",";
        JsonWriter::AppendQuoted(out, sorted[i]->first);
        *out += ":";
        Expected(sorted[i]->second, out);
      }
      *out += "}";
      break;
    }
  }
}

TEST(CanonicalJsonPropertyTest, SpellingsOfOneDocumentCanonicaliseEqual) {
  Generator gen(20261124);
  for (int round = 0; round < 1500; ++round) {
    Node doc = gen.RandomNode(0);
    std::string a, b, want;
    gen.Write(doc, &a);
    gen.Write(doc, &b);
    Expected(doc, &want);
    std::string ca = Canon(a);
    ASSERT_EQ(ca, want) << "input: " << a;
    ASSERT_EQ(Canon(b), want) << "input: " << b;
    ASSERT_EQ(Canon(ca), ca);
  }
}

// Changes one leaf of the document; returns false if it has none.
bool MutateOneLeaf(Node* n, Generator* gen) {
  switch (n->kind) {
    case Node::kArray:
    case Node::kObject: {
      std::vector<Node*> children;
      for (auto& item : n->items) children.push_back(&item);
      for (auto& m : n->members) children.push_back(&m.second);
      if (children.empty()) {
        // An empty container becomes non-empty.
        if (n->kind == Node::kArray) {
          n->items.push_back(Node{});
        } else {
          n->members.emplace_back("k", Node{});
        }
        return true;
      }
      return MutateOneLeaf(children[gen->Pick(children.size())], gen);
    }
    case Node::kNumber:
      // Stays a valid number: "0" must not become "01".
      n->text += n->text.find('.') == std::string::npos ? ".5" : "1";
      return true;
    case Node::kString:
      n->text += "x";
      return true;
    case Node::kNull:
      n->kind = Node::kFalse;
      return true;
    case Node::kTrue:
      n->kind = Node::kFalse;
      return true;
    case Node::kFalse:
      n->kind = Node::kTrue;
      return true;
  }
  return false;
}

TEST(CanonicalJsonPropertyTest, DifferentValuesCanonicaliseDifferent) {
  Generator gen(7);
  for (int round = 0; round < 1000; ++round) {
    Node doc = gen.RandomNode(0);
    Node changed = doc;
    ASSERT_TRUE(MutateOneLeaf(&changed, &gen));
    std::string a, b;
    gen.Write(doc, &a);
    gen.Write(changed, &b);
    EXPECT_NE(Canon(a), Canon(b)) << a << "\n" << b;
  }
}

}  // namespace
}  // namespace meridian::json
