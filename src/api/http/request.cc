#include "api/http/request.h"

#include <cstring>

#include "core/ascii.h"
#include "core/assert.h"

namespace meridian::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `text` to `out` and returns where it starts, for offset-based
// spans that survive the string growing.
uint32_t AppendAt(std::string* out, std::string_view text) {
  auto at = static_cast<uint32_t>(out->size());
  out->append(text);
  return at;
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8SequenceLength(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    // Overlong forms and UTF-16 surrogates are not valid UTF-8.
    if (c == 0xE0 && b(1) < 0xA0) return 0;
    if (c == 0xED && b(1) > 0x9F) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) > 0x8F) return 0;
    return 4;
  }
  return 0;
}

class CallbackSink final : public internal::ResponseSink {
 public:
  explicit CallbackSink(std::function<void(Response)> callback)
      : callback_(std::move(callback)) {}
  void Deliver(Response&& response) override { callback_(std::move(response)); }
  void Abandon() override {
    callback_(DefaultErrorResponse(
        MakeError(ErrorCode::kINTERNAL_ERROR, "",
                  "the request was dropped without an answer")));
  }

 private:
  std::function<void(Response)> callback_;
};

}  // namespace

std::string_view Request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::optional<std::string_view> Request::Header(
    std::string_view lowercase_name) const {
  std::string_view data = header_data_;
  for (const HeaderSpan& span : header_spans_) {
    if (data.substr(span.name_offset, span.name_size) == lowercase_name) {
      return data.substr(span.value_offset, span.value_size);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::string_view rest = query();
  std::string key;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view()
                                         : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    PercentDecode(pair.substr(0, eq), true, &key);
    if (key != name) continue;
    std::string value;
    if (eq != std::string_view::npos) {
      PercentDecode(pair.substr(eq + 1), true, &value);
    }
    return value;
  }
  return std::nullopt;
}

void Request::AddHeader(std::string_view name, std::string_view value) {
  HeaderSpan span;
  span.name_offset = static_cast<uint32_t>(header_data_.size());
  span.name_size = static_cast<uint32_t>(name.size());
  for (char c : name) header_data_.push_back(AsciiToLower(c));
  span.value_offset = AppendAt(&header_data_, value);
  span.value_size = static_cast<uint32_t>(value.size());
  header_spans_.push_back(span);
}

std::pair<std::string_view, std::string_view> Request::header(size_t i) const {
  MERIDIAN_CHECK(i < header_spans_.size());
  std::string_view data = header_data_;
  const HeaderSpan& span = header_spans_[i];
  return {data.substr(span.name_offset, span.name_size),
          data.substr(span.value_offset, span.value_size)};
}

void Request::Clear() {
  method.clear();
  target.clear();
  body.clear();
  remote_address.clear();
  header_data_.clear();
  header_spans_.clear();
}

std::optional<std::string_view> PathParams::Get(std::string_view name) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (this->name(i) == name) return value(i);
  }
  return std::nullopt;
}

std::string_view PathParams::name(size_t i) const {
  MERIDIAN_CHECK(i < entries_.size());
  return std::string_view(data_).substr(entries_[i].name_offset,
                                        entries_[i].name_size);
}

std::string_view PathParams::value(size_t i) const {
  MERIDIAN_CHECK(i < entries_.size());
  return std::string_view(data_).substr(entries_[i].value_offset,
                                        entries_[i].value_size);
}

void PathParams::Add(std::string_view name, std::string_view raw_value) {
  Entry entry;
  entry.name_offset = AppendAt(&data_, name);
  entry.name_size = static_cast<uint32_t>(name.size());
  entry.value_offset = static_cast<uint32_t>(data_.size());
  // Decoding in place would need a temporary; ids rarely carry escapes, so
  // copy through unless there is one.
  if (raw_value.find('%') == std::string_view::npos) {
    data_.append(raw_value);
  } else {
    std::string decoded;
    PercentDecode(raw_value, false, &decoded);
    data_.append(decoded);
  }
  entry.value_size = static_cast<uint32_t>(data_.size() - entry.value_offset);
  entries_.push_back(entry);
}

void PathParams::Clear() {
  data_.clear();
  entries_.clear();
}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (sink_) sink_->Abandon();
    sink_ = std::move(other.sink_);
  }
  return *this;
}

Responder::~Responder() {
  if (sink_) sink_->Abandon();
}

void Responder::Send(Response response) && {
  MERIDIAN_CHECK(sink_ != nullptr) << "Responder::Send on an empty Responder "
                                      "(sent twice, or moved from)";
  // Empty this Responder before delivering: the sink may let the server
  // reuse the request's memory at once.
  std::shared_ptr<internal::ResponseSink> sink = std::move(sink_);
  sink->Deliver(std::move(response));
}

Responder Responder::ForCallback(std::function<void(Response)> callback) {
  return Responder(std::make_shared<CallbackSink>(std::move(callback)));
}

Response DefaultErrorResponse(const Error& error) {
  Response response;
  response.status = ErrorCodeHttpStatus(error.code);
  std::string& body = response.body;
  body.reserve(96 + error.param.size() + error.message.size());
  body += R"({"result":{"status":")";
  body += ErrorCodeOutcome(error.code);
  body += R"(","code":")";
  body += ErrorCodeName(error.code);
  body += R"(","param":")";
  AppendJsonEscaped(error.param, &body);
  body += R"(","message":")";
  AppendJsonEscaped(error.message, &body);
  body += "\"}}";
  return response;
}

void AppendJsonEscaped(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(text.substr(i));
      if (n == 0) {
        *out += "\\ufffd";
        ++i;
      } else {
        out->append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
}

void PercentDecode(std::string_view text, bool plus_is_space,
                   std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out->push_back(plus_is_space && c == '+' ? ' ' : c);
  }
}

}  // namespace meridian::http
