#include "api/json/json_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/json/fields.h"
#include "core/id.h"

namespace meridian::json {
namespace {

// A handler in miniature: the shape of a create-payment request.
struct Payment {
  std::string request_id;
  Amount amount;
  std::optional<bool> capture;
  std::optional<int64_t> expires_in;
  std::optional<std::string> description;
  std::vector<std::pair<Amount, u128>> transfers;
};

Result<Payment> ReadPayment(std::string_view raw) {
  MERIDIAN_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(raw));
  ObjectReader r = body.root();
  Payment p;
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view id,
                            ParseRequestIdField(r, "paymentRequestId"));
  p.request_id = id;
  MERIDIAN_ASSIGN_OR_RETURN(p.amount, ParseAmountField(r, "amount"));
  MERIDIAN_ASSIGN_OR_RETURN(p.capture, r.OptionalBool("capture"));
  MERIDIAN_ASSIGN_OR_RETURN(p.expires_in,
                            r.OptionalInt64("expiresInSeconds", 60, 86400));
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> description,
                            r.OptionalString("description", 16, 0));
  if (description) p.description = std::string(*description);
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<ArrayReader> transfers,
                            r.OptionalArray("transfers", 3));
  if (transfers) {
    for (size_t i = 0; i < transfers->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(ObjectReader t, transfers->Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(Amount a, ParseAmountField(t, "amount"));
      MERIDIAN_ASSIGN_OR_RETURN(u128 account,
                                ParseIdField(t, "accountId", IdKind::kAccount));
      p.transfers.emplace_back(a, account);
    }
  }
  MERIDIAN_RETURN_IF_ERROR(r.Finish());
  return p;
}

const std::string kAccount = FormatId(IdKind::kAccount, 12345);

TEST(JsonReaderTest, ReadsAValidRequest) {
  const std::string body = R"({
    "paymentRequestId": "req_2026-11-24_001",
    "amount": {"currency": "THB", "value": "35000"},
    "capture": true,
    "expiresInSeconds": 600,
    "description": "caf\u00e9 \"x\"",
    "transfers": [{"amount": {"value": "1", "currency": "USD"},
                   "accountId": ")" +
                           kAccount + R"("}]
  })";
  Result<Payment> p = ReadPayment(body);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->request_id, "req_2026-11-24_001");
  EXPECT_EQ(p->amount.minor_units(), 35000);
  EXPECT_EQ(p->amount.currency().code(), "THB");
  EXPECT_EQ(p->capture, true);
  EXPECT_EQ(p->expires_in, 600);
  EXPECT_EQ(p->description, "caf\xC3\xA9 \"x\"");
  ASSERT_EQ(p->transfers.size(), 1u);
  EXPECT_EQ(p->transfers[0].first.minor_units(), 1);
  EXPECT_EQ(p->transfers[0].second, static_cast<u128>(12345));
}

TEST(JsonReaderTest, OptionalFieldsMayBeAbsentOrNull) {
  Result<Payment> p = ReadPayment(
      R"({"paymentRequestId":"a","amount":{"currency":"JPY","value":"0"},)"
      R"("capture":null,"transfers":null,"description":null})");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_FALSE(p->capture.has_value());
  EXPECT_FALSE(p->expires_in.has_value());
  EXPECT_FALSE(p->description.has_value());
  EXPECT_TRUE(p->transfers.empty());
}

struct ErrorCase {
  const char* name;
  std::string body;
  ErrorCode code;
  std::string param;
  std::string message_part;
};

// Fills in the valid request around one broken part.
std::string Body(std::string_view fields) {
  return R"({"paymentRequestId":"r1","amount":{"currency":"THB","value":"1"})" +
         std::string(fields.empty() ? "" : ",") + std::string(fields) + "}";
}

std::string Transfer(std::string_view amount, std::string_view rest = "") {
  return R"("transfers":[{"amount":{"currency":"THB","value":"1"},"accountId":")" +
         kAccount + R"("},{"amount":)" + std::string(amount) +
         R"(,"accountId":")" + kAccount + "\"" + std::string(rest) + "}]";
}

const std::vector<ErrorCase>& ErrorCases() {
  static const auto* cases = new std::vector<ErrorCase>{
      // The body as a whole.
      {"empty", "", ErrorCode::kINVALID_JSON, "", "the body is empty"},
      {"whitespace", " \n ", ErrorCode::kINVALID_JSON, "", "the body is empty"},
      {"truncated", R"({"a":)", ErrorCode::kINVALID_JSON, "", "not valid JSON"},
      {"trailing comma", R"({"a":1,})", ErrorCode::kINVALID_JSON, "",
       "not valid JSON"},
      {"two documents", R"({} {})", ErrorCode::kINVALID_JSON, "",
       "not valid JSON"},
      {"bad utf8", "{\"a\":\"\xC0\xAF\"}", ErrorCode::kINVALID_JSON, "",
       "not valid JSON"},
      {"leading zero number", R"({"a":01})", ErrorCode::kINVALID_JSON, "",
       "not valid JSON"},
      {"array at top", "[1]", ErrorCode::kINVALID_JSON, "",
       "must be a JSON object ({...}), not an array"},
      {"string at top", R"("x")", ErrorCode::kINVALID_JSON, "", "not a string"},
      {"duplicate key", R"({"a":1,"b":2,"a":3})", ErrorCode::kINVALID_JSON, "a",
       "more than once"},
      {"duplicate nested key", Body(R"("x":{"y":[{"k":1,"k":1}]})"),
       ErrorCode::kINVALID_JSON, "x.y[0].k", "more than once"},
      {"duplicate via escape", R"({"a":1,"\u0061":2})",
       ErrorCode::kINVALID_JSON, "a", "more than once"},
      {"too deep", std::string(40, '[') + std::string(40, ']'),
       ErrorCode::kINVALID_JSON, "", "not an array"},
      {"too deep in object",
       R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}",
       ErrorCode::kINVALID_JSON,
       "a[0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
       "[0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
       "[0][0][0]",
       "nested more than 32 levels"},
      {"too large", std::string(kMaxBodyBytes + 1, ' '),
       ErrorCode::kBODY_TOO_LARGE, "", "limit is 1048576"},

      // Plain fields.
      {"missing request id", R"({"amount":{"currency":"THB","value":"1"}})",
       ErrorCode::kMISSING_PARAMETER, "paymentRequestId",
       "required: send a string"},
      {"request id number", R"({"paymentRequestId":7})",
       ErrorCode::kINVALID_PARAMETER, "paymentRequestId",
       "must be a string, not a number"},
      {"request id empty", R"({"paymentRequestId":""})",
       ErrorCode::kINVALID_PARAMETER, "paymentRequestId", "must not be empty"},
      {"request id too long",
       R"({"paymentRequestId":")" + std::string(65, 'a') + "\"}",
       ErrorCode::kINVALID_PARAMETER, "paymentRequestId",
       "at most 64 bytes long; this one is 65"},
      {"request id bad char", R"({"paymentRequestId":"a b"})",
       ErrorCode::kINVALID_PARAMETER, "paymentRequestId", "A-Z, a-z, 0-9"},
      {"bool wrong type", Body(R"("capture":"yes")"),
       ErrorCode::kINVALID_PARAMETER, "capture",
       "must be true or false, not a string"},
      {"int below range", Body(R"("expiresInSeconds":59)"),
       ErrorCode::kINVALID_PARAMETER, "expiresInSeconds",
       "whole number from 60 to 86400"},
      {"int fraction", Body(R"("expiresInSeconds":600.0)"),
       ErrorCode::kINVALID_PARAMETER, "expiresInSeconds",
       "whole number from 60 to 86400"},
      {"int exponent", Body(R"("expiresInSeconds":6e2)"),
       ErrorCode::kINVALID_PARAMETER, "expiresInSeconds", "whole number"},
      {"int huge", Body(R"("expiresInSeconds":18446744073709551615)"),
       ErrorCode::kINVALID_PARAMETER, "expiresInSeconds", "whole number"},
      {"int as string", Body(R"("expiresInSeconds":"600")"),
       ErrorCode::kINVALID_PARAMETER, "expiresInSeconds",
       "must be a whole number, not a string"},
      {"string too long", Body(R"("description":"12345678901234567")"),
       ErrorCode::kINVALID_PARAMETER, "description", "at most 16 bytes"},
      {"unknown field", Body(R"("captur":true)"), ErrorCode::kUNKNOWN_PARAMETER,
       "captur", "no such field"},
      {"unknown nested field",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":"1",)"
       R"("scale":2}})",
       ErrorCode::kUNKNOWN_PARAMETER, "amount.scale", "no such field"},
      {"unknown field in array item",
       Body(Transfer(R"({"currency":"THB","value":"1"})", R"(,"memo":"x")")),
       ErrorCode::kUNKNOWN_PARAMETER, "transfers[1].memo", "no such field"},
      {"array too long", Body(R"("transfers":[1,2,3,4])"),
       ErrorCode::kINVALID_PARAMETER, "transfers",
       "at most 3 items; this one has 4"},
      {"array wrong type", Body(R"("transfers":{})"),
       ErrorCode::kINVALID_PARAMETER, "transfers",
       "must be an array, not an object"},
      {"array item wrong type", Body(R"("transfers":[[]])"),
       ErrorCode::kINVALID_PARAMETER, "transfers[0]",
       "must be an object, not an array"},

      // Amounts.
      {"amount missing", R"({"paymentRequestId":"r"})",
       ErrorCode::kMISSING_PARAMETER, "amount", "send an object"},
      {"amount not object", R"({"paymentRequestId":"r","amount":"35000"})",
       ErrorCode::kINVALID_PARAMETER, "amount", "must be an object"},
      {"currency missing", R"({"paymentRequestId":"r","amount":{"value":"1"}})",
       ErrorCode::kMISSING_PARAMETER, "amount.currency", "required"},
      {"currency unknown",
       R"({"paymentRequestId":"r","amount":{"currency":"ABC","value":"1"}})",
       ErrorCode::kCURRENCY_NOT_SUPPORTED, "amount.currency",
       "ABC is not a current ISO 4217 currency"},
      {"currency lower case",
       R"({"paymentRequestId":"r","amount":{"currency":"thb","value":"1"}})",
       ErrorCode::kCURRENCY_NOT_SUPPORTED, "amount.currency", "upper-case"},
      {"currency number",
       R"({"paymentRequestId":"r","amount":{"currency":764,"value":"1"}})",
       ErrorCode::kCURRENCY_NOT_SUPPORTED, "amount.currency",
       "ISO 4217 alphabetic code as a string"},
      {"value missing",
       R"({"paymentRequestId":"r","amount":{"currency":"THB"}})",
       ErrorCode::kMISSING_PARAMETER, "amount.value", "required"},
      {"value number",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":35000}})",
       ErrorCode::kINVALID_AMOUNT, "amount.value",
       "must be a string of minor units"},
      {"value fraction",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":"350.00"}})",
       ErrorCode::kINVALID_AMOUNT, "amount.value", "\"12345\" for 123.45 THB"},
      {"value sign",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":"-1"}})",
       ErrorCode::kINVALID_AMOUNT, "amount.value", "sign"},
      {"value leading zero",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":"01"}})",
       ErrorCode::kINVALID_AMOUNT, "amount.value", "leading zeros"},
      {"value 19 digits",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":")" +
           std::string(19, '9') + "\"}}",
       ErrorCode::kINVALID_AMOUNT, "amount.value", "at most 18 digits"},
      {"value empty",
       R"({"paymentRequestId":"r","amount":{"currency":"THB","value":""}})",
       ErrorCode::kINVALID_AMOUNT, "amount.value", "must not be empty"},
      {"nested amount value",
       Body(Transfer(R"({"currency":"THB","value":"1.5"})")),
       ErrorCode::kINVALID_AMOUNT, "transfers[1].amount.value", "12345"},
      {"nested amount currency",
       Body(Transfer(R"({"currency":"XYZ","value":"1"})")),
       ErrorCode::kCURRENCY_NOT_SUPPORTED, "transfers[1].amount.currency",
       "XYZ"},

      // Ids.
      {"id wrong kind",
       Body(R"("transfers":[{"amount":{"currency":"THB","value":"1"},)"
            R"("accountId":")" +
            FormatId(IdKind::kPayment, 1) + "\"}]"),
       ErrorCode::kINVALID_ID, "transfers[0].accountId", "got a payment id"},
      {"id garbage",
       Body(R"("transfers":[{"amount":{"currency":"THB","value":"1"},)"
            R"("accountId":"acct_xyz"}])"),
       ErrorCode::kINVALID_ID, "transfers[0].accountId", "26 characters"},
      {"id number",
       Body(R"("transfers":[{"amount":{"currency":"THB","value":"1"},)"
            R"("accountId":5}])"),
       ErrorCode::kINVALID_ID, "transfers[0].accountId",
       "must be a acct_ id as a string"},
      {"id null",
       Body(R"("transfers":[{"amount":{"currency":"THB","value":"1"},)"
            R"("accountId":null}])"),
       ErrorCode::kINVALID_ID, "transfers[0].accountId", "not null"},
      {"id missing",
       Body(R"("transfers":[{"amount":{"currency":"THB","value":"1"}}])"),
       ErrorCode::kMISSING_PARAMETER, "transfers[0].accountId",
       "send a acct_ id"},
  };
  return *cases;
}

TEST(JsonReaderTest, GoldenErrors) {
  for (const ErrorCase& c : ErrorCases()) {
    SCOPED_TRACE(c.name);
    Result<Payment> p = ReadPayment(c.body);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(ErrorCodeName(p.error().code), ErrorCodeName(c.code))
        << p.error().ToString();
    EXPECT_EQ(p.error().param, c.param) << p.error().ToString();
    EXPECT_NE(p.error().message.find(c.message_part), std::string::npos)
        << p.error().ToString();
  }
}

TEST(JsonReaderTest, FinishNamesTheFirstUnreadFieldInDocumentOrder) {
  JsonBody body = JsonBody::Parse(R"({"b":1,"z":2,"a":3})").value();
  ObjectReader r = body.root();
  ASSERT_TRUE(r.Int64("a", 0, 9).ok());
  EXPECT_EQ(r.Finish().error().param, "b");
  ASSERT_TRUE(r.Int64("b", 0, 9).ok());
  EXPECT_EQ(r.Finish().error().param, "z");
  ASSERT_TRUE(r.Int64("z", 0, 9).ok());
  EXPECT_TRUE(r.Finish().ok());
}

TEST(JsonReaderTest, HasDoesNotMarkAFieldRead) {
  JsonBody body =
      JsonBody::Parse(R"({"card":{"number":"4242"},"x":null})").value();
  ObjectReader r = body.root();
  EXPECT_TRUE(r.Has("card"));
  EXPECT_TRUE(r.Has("x"));
  EXPECT_FALSE(r.Has("wallet"));
  EXPECT_EQ(r.Finish().error().param, "card");
}

TEST(JsonReaderTest, NestedFinishChecksOnlyItsObject) {
  JsonBody body =
      JsonBody::Parse(R"({"o":{"a":1,"extra":2},"other":3})").value();
  ObjectReader r = body.root();
  ObjectReader o = r.Object("o").value();
  ASSERT_TRUE(o.Int64("a", 0, 9).ok());
  EXPECT_EQ(o.path(), "o");
  EXPECT_EQ(o.FieldPath("a"), "o.a");
  EXPECT_EQ(o.Finish().error().param, "o.extra");
  ASSERT_TRUE(o.Int64("extra", 0, 9).ok());
  EXPECT_TRUE(o.Finish().ok());
  EXPECT_EQ(r.Finish().error().param, "other");
}

TEST(JsonReaderTest, RequiredNullIsInvalidNotMissing) {
  JsonBody body = JsonBody::Parse(R"({"s":null})").value();
  Result<std::string_view> s = body.root().String("s", 10);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(s.error().message, "must be a string, not null");
}

TEST(JsonReaderTest, IntegersAtTheirLimits) {
  JsonBody body =
      JsonBody::Parse(
          R"({"min":-9223372036854775808,"max":9223372036854775807,)"
          R"("umax":18446744073709551615,"neg":-1})")
          .value();
  ObjectReader r = body.root();
  EXPECT_EQ(r.Int64("min", INT64_MIN, INT64_MAX).value(), INT64_MIN);
  EXPECT_EQ(r.Int64("max", INT64_MIN, INT64_MAX).value(), INT64_MAX);
  EXPECT_EQ(r.Uint64("umax", 0, UINT64_MAX).value(), UINT64_MAX);
  EXPECT_FALSE(r.Int64("umax", INT64_MIN, INT64_MAX).ok());
  EXPECT_FALSE(r.Uint64("neg", 0, UINT64_MAX).ok());
  EXPECT_EQ(r.Int64("neg", -1, -1).value(), -1);
}

TEST(JsonReaderTest, BeyondUint64IsRefusedSomewhere) {
  // simdjson refuses integers beyond 64 bits outright or reads them as
  // doubles; either way no integer getter accepts one.
  Result<JsonBody> body = JsonBody::Parse(R"({"n":18446744073709551616})");
  if (!body.ok()) {
    EXPECT_EQ(body.error().code, ErrorCode::kINVALID_JSON);
    return;
  }
  EXPECT_FALSE(body->root().Uint64("n", 0, UINT64_MAX).ok());
}

TEST(JsonReaderTest, ArrayItems) {
  JsonBody body =
      JsonBody::Parse(R"({"a":["x",2,true,{"k":"v"},-3],"e":[]})").value();
  ObjectReader r = body.root();
  ArrayReader a = r.Array("a", 5).value();
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a.String(0, 1).value(), "x");
  EXPECT_EQ(a.Int64(1, 0, 2).value(), 2);
  EXPECT_EQ(a.Bool(2).value(), true);
  ObjectReader item = a.Object(3).value();
  EXPECT_EQ(item.path(), "a[3]");
  EXPECT_EQ(item.String("k", 1).value(), "v");
  EXPECT_EQ(a.Uint64(4, 0, 9).error().param, "a[4]");
  EXPECT_EQ(a.String(1, 9).error().param, "a[1]");
  EXPECT_EQ(r.Array("e", 0).value().size(), 0u);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(JsonReaderTest, UnknownFieldInObjectOpenedFromArrayIsReportedByRoot) {
  JsonBody body = JsonBody::Parse(R"({"a":[{"k":1,"j":2}]})").value();
  ObjectReader r = body.root();
  ArrayReader a = r.Array("a", 5).value();
  ObjectReader item = a.Object(0).value();
  ASSERT_TRUE(item.Int64("k", 0, 9).ok());
  EXPECT_EQ(r.Finish().error().param, "a[0].j");
}

TEST(JsonReaderTest, ValidRequestId) {
  EXPECT_TRUE(ValidRequestId("a"));
  EXPECT_TRUE(ValidRequestId("A-z_0-9"));
  EXPECT_TRUE(ValidRequestId(std::string(64, 'x')));
  EXPECT_TRUE(ValidRequestId("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(ValidRequestId(""));
  EXPECT_FALSE(ValidRequestId(std::string(65, 'x')));
  EXPECT_FALSE(ValidRequestId("a.b"));
  EXPECT_FALSE(ValidRequestId("a b"));
  EXPECT_FALSE(ValidRequestId("caf\xC3\xA9"));
  EXPECT_FALSE(ValidRequestId(std::string_view("a\0", 2)));
}

TEST(JsonReaderTest, OptionalAmountAndId) {
  JsonBody body = JsonBody::Parse(R"({"fee":null,"id":null})").value();
  ObjectReader r = body.root();
  EXPECT_FALSE(ParseOptionalAmountField(r, "fee").value().has_value());
  EXPECT_FALSE(ParseOptionalAmountField(r, "none").value().has_value());
  EXPECT_FALSE(
      ParseOptionalIdField(r, "id", IdKind::kQuote).value().has_value());
  EXPECT_TRUE(r.Finish().ok());
}

TEST(JsonReaderTest, BodiesOfTheSameThreadOneAfterAnother) {
  for (int i = 0; i < 3; ++i) {
    JsonBody body =
        JsonBody::Parse(R"({"i":)" + std::to_string(i) + "}").value();
    EXPECT_EQ(body.root().Int64("i", 0, 9).value(), i);
  }
}

TEST(JsonReaderDeathTest, ReadingAStaleBodyStops) {
  EXPECT_DEATH(
      {
        JsonBody first = JsonBody::Parse(R"({"a":1})").value();
        JsonBody second = JsonBody::Parse(R"({"b":1})").value();
        (void)first.root().Int64("a", 0, 9);
      },
      "after this thread parsed another body");
}

}  // namespace
}  // namespace meridian::json
