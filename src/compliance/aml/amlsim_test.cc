#include "compliance/aml/amlsim.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/testing/temp_dir.h"

namespace meridian::compliance::aml {
namespace {

constexpr char kNodes[] =
    "nodeid,isFraud,init_balance,fraudStep\n"
    "0,0,184.44,-1\n"
    "1,1,5,37\n"
    "2,0,163.3,-1\n";
constexpr char kTx[] =
    "sourceNodeId,targetNodeId,value,time\r\n"
    "0,1,163.3,1\r\n"
    "1,2,2.51,1\r\n"
    "\r\n"
    "2,0,599.91,149\r\n";

std::string NodesError(std::string text) {
  Result<std::vector<AmlsimAccount>> r = ParseAmlsimNodes(text, "n.csv");
  return r.ok() ? "ok" : r.error().message;
}

std::string TxError(std::string text) {
  std::vector<uint64_t> known = {0, 1, 2};
  Result<std::vector<AmlsimTransaction>> r =
      ParseAmlsimTransactions(text, "t.csv", &known);
  return r.ok() ? "ok" : r.error().message;
}

TEST(Amlsim, ReadsNodesAndTransactionsExactly) {
  Result<std::vector<AmlsimAccount>> nodes = ParseAmlsimNodes(kNodes, "n");
  ASSERT_TRUE(nodes.ok()) << nodes.error().ToString();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].init_balance_minor, 18444);
  EXPECT_FALSE((*nodes)[0].laundering);
  EXPECT_EQ((*nodes)[0].fraud_step, -1);
  EXPECT_TRUE((*nodes)[1].laundering);
  EXPECT_EQ((*nodes)[1].init_balance_minor, 500);
  EXPECT_EQ((*nodes)[1].fraud_step, 37);
  EXPECT_EQ((*nodes)[2].init_balance_minor, 16330);  // 163.3

  Result<std::vector<AmlsimTransaction>> tx = ParseAmlsimTransactions(kTx, "t");
  ASSERT_TRUE(tx.ok()) << tx.error().ToString();
  ASSERT_EQ(tx->size(), 3u);
  EXPECT_EQ((*tx)[0].amount_minor, 16330);
  EXPECT_EQ((*tx)[1].amount_minor, 251);
  EXPECT_EQ((*tx)[2].from, 2u);
  EXPECT_EQ((*tx)[2].to, 0u);
  EXPECT_EQ((*tx)[2].step, 149);

  Flow f = ToFlow((*tx)[2]);
  EXPECT_EQ(f.from_account, u128{2});
  EXPECT_EQ(f.amount_minor, 59991);
  EXPECT_EQ(f.currency.code(), "USD");
  EXPECT_EQ(f.time_ns, 149 * kNsPerDay);
}

TEST(Amlsim, MalformedNodeLinesNameTheLine) {
  EXPECT_EQ(NodesError("id,isFraud\n0,0\n"),
            "n.csv line 1: the header is "
            "\"nodeid,isFraud,init_balance,fraudStep\"");
  const std::string h = "nodeid,isFraud,init_balance,fraudStep\n";
  EXPECT_EQ(NodesError(h + "0,0,1.00,-1\n1,0,1.00\n"),
            "n.csv line 3: expected 4 fields");
  EXPECT_EQ(NodesError(h + "0,0,1.00,-1,9\n"),
            "n.csv line 2: expected 4 fields");
  EXPECT_EQ(NodesError(h + "0,2,1.00,-1\n"), "n.csv line 2: isFraud is 0 or 1");
  EXPECT_EQ(NodesError(h + "x,0,1.00,-1\n"),
            "n.csv line 2: nodeid is a non-negative integer");
  EXPECT_EQ(NodesError(h + "-3,0,1.00,-1\n"),
            "n.csv line 2: nodeid is a non-negative integer");
  for (const char* bad :
       {"1.234", "1.", ".5", "-1.00", "+1", "1e3", "", "1,5"}) {
    std::string line = std::string("0,0,") + bad + ",-1\n";
    EXPECT_NE(NodesError(h + line), "ok") << bad;
  }
  EXPECT_EQ(NodesError(h + "0,0,1.234,-1\n"),
            "n.csv line 2: init_balance is a decimal with at most two places");
  EXPECT_EQ(NodesError(h + "0,0,1.00,-2\n"),
            "n.csv line 2: fraudStep is -1 or a step");
  EXPECT_EQ(NodesError(h + "0,0,1.00,-1\n\n7,0,1,-1\n0,1,2,3\n"),
            "n.csv line 5: nodeid 0 is already on line 2");
  EXPECT_EQ(NodesError(""), "n.csv line 1: the file is empty");
}

TEST(Amlsim, MalformedTransactionLinesNameTheLine) {
  const std::string h = "sourceNodeId,targetNodeId,value,time\n";
  EXPECT_EQ(TxError(h + "0,1,1.5,1\n0,1,1.5\n"),
            "t.csv line 3: expected 4 fields");
  EXPECT_EQ(TxError(h + "0,1,abc,1\n"),
            "t.csv line 2: value is a decimal with at most two places");
  EXPECT_EQ(TxError(h + "0,1,1.5,-1\n"),
            "t.csv line 2: time is a step from 0 to 1000000");
  EXPECT_EQ(TxError(h + "0,1,1.5,1.5\n"),
            "t.csv line 2: time is a step from 0 to 1000000");
  EXPECT_EQ(TxError(h + "0,1,1.5,1\n0,9,1.5,1\n"),
            "t.csv line 3: node 9 is not in the nodes file");
  EXPECT_EQ(TxError(h + "0,x,1.5,1\n"),
            "t.csv line 2: sourceNodeId and targetNodeId are non-negative "
            "integers");
  EXPECT_EQ(TxError("sourceNodeId,targetNodeId,value,step\n"),
            "t.csv line 1: the header is "
            "\"sourceNodeId,targetNodeId,value,time\"");
}

TEST(Amlsim, ReadsAFolderAndNamesTheBadFile) {
  meridian::testing::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(std::filesystem::path(dir.path()) / name, std::ios::binary)
        << text;
  };
  write("tiny_nodes.csv", kNodes);
  write("tiny_transactions.csv", kTx);
  Result<AmlsimSample> s = ReadAmlsimSample(dir.path());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->name, "tiny");
  EXPECT_EQ(s->accounts.size(), 3u);
  EXPECT_EQ(s->transactions.size(), 3u);

  write("tiny_transactions.csv",
        "sourceNodeId,targetNodeId,value,time\n0,1,1,1\n0,44,1,1\n");
  s = ReadAmlsimSample(dir.path());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "tiny_transactions.csv line 3: node 44 is not in the nodes file");

  write("other_nodes.csv", kNodes);
  s = ReadAmlsimSample(dir.path());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("2 AMLSim samples"), std::string::npos);
  s = ReadAmlsimSample(dir.path(), "other");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kIO_ERROR);  // no other_transactions
}

}  // namespace
}  // namespace meridian::compliance::aml
