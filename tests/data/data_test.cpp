#define BOOST_TEST_MODULE ff_data_test
#include <boost/test/unit_test.hpp>

// The data layer on its own: CSV splitting and joining, ingestion checks, FATE upload confs,
// and the table service over a real SQLite database (uploads that fail leave nothing).

#include <filesystem>
#include <sstream>

#include <boost/json.hpp>

#include "base/clock.hpp"
#include "orm/database.hpp"
#include "orm/table_repository.hpp"
#include "service/data/csv.hpp"
#include "service/data/csv_ingest.hpp"
#include "service/data/table_service.hpp"
#include "service/data/upload_request.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::data;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

StatusOr<TableSchema> Ingest(const std::string& csv, IngestOptions o = {}, std::string* normalized = nullptr) {
  std::istringstream in(csv);
  std::ostringstream out;
  auto schema = IngestCsv(in, o, &out);
  if (normalized) *normalized = out.str();
  return schema;
}

bool Mentions(const Status& s, const std::string& part) { return s.message().find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(Csv)

BOOST_AUTO_TEST_CASE(SplitsQuotedFieldsAndRoundTrips) {
  auto f = SplitCsvLine(R"(1,"a,b","say ""hi""",)", ',');
  BOOST_REQUIRE(f.ok());
  BOOST_TEST((*f == std::vector<std::string>{"1", "a,b", "say \"hi\"", ""}));
  BOOST_TEST(JoinCsvLine(*f) == R"(1,"a,b","say ""hi""",)");
  BOOST_TEST(SplitCsvLine("a\tb", '\t')->size() == 2u);
  BOOST_TEST(!SplitCsvLine(R"(1,"open)", ',').ok());
  BOOST_TEST(!SplitCsvLine(R"(1,"x"y)", ',').ok());
}

BOOST_AUTO_TEST_CASE(Utf8AndDelimiters) {
  BOOST_TEST(IsValidUtf8("plain"));
  BOOST_TEST(IsValidUtf8("caf\xc3\xa9 \xe4\xb8\xad"));
  BOOST_TEST(!IsValidUtf8("\xff\xfe"));
  BOOST_TEST(!IsValidUtf8("\xc0\xaf"));          // overlong '/'
  BOOST_TEST(!IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  BOOST_TEST(!IsValidUtf8("\xe4\xb8"));          // cut short
  BOOST_TEST(*ParseDelimiter(",") == ',');
  BOOST_TEST(*ParseDelimiter("\\t") == '\t');
  BOOST_TEST(*ParseDelimiter("tab") == '\t');
  BOOST_TEST(!ParseDelimiter(",,").ok());
  BOOST_TEST(*ParseDelimiter("") == ',');  // unset: the default
  BOOST_TEST(!ParseDelimiter("\"").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Ingestion)

BOOST_AUTO_TEST_CASE(DetectsSchemaTypesAndNormalizes) {
  IngestOptions o;
  o.delimiter = ';';
  o.label_column = "y";
  std::string normalized;
  auto s = Ingest("id;y;x0;name\r\n1;0;0.5;a\r\n2;1;-3;\"b;c\"\r\n", o, &normalized);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  BOOST_TEST(s->rows == 2);
  BOOST_TEST(s->id_column == "id");
  BOOST_TEST((s->types == std::vector<std::string>{"int", "int", "float", "string"}));
  BOOST_TEST((s->Features() == std::vector<std::string>{"x0", "name"}));
  BOOST_TEST(normalized == "id,y,x0,name\n1,0,0.5,a\n2,1,-3,b;c\n");
  BOOST_TEST(s->ToJson().at("rows").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(WithoutHeaderOrWithSidColumnsAreNamed) {
  IngestOptions o;
  o.have_header = false;
  auto s = Ingest("a,1,2\nb,3,4\n", o);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST((s->header == std::vector<std::string>{"id", "x0", "x1"}));
  IngestOptions sid;
  sid.extend_sid = true;
  std::string normalized;
  auto e = Ingest("v\n7\n8\n", sid, &normalized);
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->id_column == "sid");
  BOOST_TEST(normalized == "sid,v\n0,7\n1,8\n");
}

BOOST_AUTO_TEST_CASE(RefusesBadFilesNamingTheLine) {
  BOOST_TEST(Mentions(Ingest("id,y\n1,0\n2\n").status(), "line 3: has 1 fields, the header has 2"));
  BOOST_TEST(Mentions(Ingest("id,y\n1,\xff\n").status(), "line 2: not valid UTF-8"));
  BOOST_TEST(Mentions(Ingest("id,y\n,1\n").status(), "the id ('id') is empty"));
  BOOST_TEST(Mentions(Ingest("").status(), "the file is empty"));
  BOOST_TEST(Mentions(Ingest("id,y\n").status(), "no records"));
  BOOST_TEST(Mentions(Ingest("id,,y\n1,2,3\n").status(), "a column has no name"));
  BOOST_TEST(Mentions(Ingest("id,x,x\n1,2,3\n").status(), "column 'x' appears twice"));
  BOOST_TEST(Mentions(Ingest("id,y\n1,\"2\n").status(), "line 2: a quoted field is not closed"));
  IngestOptions o;
  o.id_column = "sid";
  BOOST_TEST(Mentions(Ingest("id,y\n1,0\n", o).status(), "id column 'sid' is not in the header"));
  IngestOptions l;
  l.label_column = "label";
  BOOST_TEST(Mentions(Ingest("id,y\n1,0\n", l).status(), "label column 'label' is not in the header"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(UploadConf)

BOOST_AUTO_TEST_CASE(ReadsFate1xAnd2xConfs) {
  auto v1 = ParseTableRequest(bj::parse(R"({"file": "/d/breast.csv", "table_name": "breast", "namespace": "experiment",
      "head": 1, "partition": 8, "id_delimiter": ";", "drop": 1})").as_object(), true);
  BOOST_REQUIRE_MESSAGE(v1.ok(), v1.status().ToString());
  BOOST_TEST(v1->table_name == "breast");
  BOOST_TEST(v1->ingest.delimiter == ';');
  BOOST_TEST(v1->overwrite);
  BOOST_TEST(v1->partitions == 8);
  auto v2 = ParseTableRequest(bj::parse(R"({"file": "x.csv", "name": "b", "namespace": "e", "head": true,
      "partitions": "4", "meta": "{\"delimiter\": \"\\\\t\", \"label_name\": \"y\", \"match_id_name\": \"uid\"}"})")
                                  .as_object(),
                              true);
  BOOST_REQUIRE_MESSAGE(v2.ok(), v2.status().ToString());
  BOOST_TEST(v2->ingest.delimiter == '\t');
  BOOST_TEST(v2->ingest.label_column == "y");
  BOOST_TEST(v2->ingest.id_column == "uid");
  BOOST_TEST(v2->partitions == 4);
  BOOST_TEST(!v2->overwrite);
}

BOOST_AUTO_TEST_CASE(RefusesBadNamesAndFields) {
  auto parse = [](const char* text) { return ParseTableRequest(bj::parse(text).as_object(), false).status(); };
  BOOST_TEST(Mentions(parse(R"({"name": "t"})"), "missing 'namespace'"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "n"})"), "missing 'name'"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "n", "name": "../t"})"), "may hold only"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "a.b", "name": "t"})"), "may hold only"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "n", "name": "t", "drop": "maybe"})"), "'drop' must be"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "n", "name": "t", "partitions": 0})"), "'partitions'"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "n", "name": "t", "meta": "{"})"), "'meta' must be a JSON object"));
  BOOST_TEST(Mentions(parse(R"({"namespace": "n", "name": "t", "meta": 3})"), "'meta' must be an object"));
  BOOST_TEST(CheckTableName("experiment", "breast_hetero_guest.v2").ok());
  BOOST_TEST(!CheckTableName("experiment", std::string(129, 'a')).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Tables)

struct Service {
  std::string dir = testing::FreshDir("table-service");
  std::unique_ptr<orm::Database> db;
  std::unique_ptr<orm::TableRepository> repo;
  std::unique_ptr<TableService> tables;
  Service() {
    orm::DbConfig c;
    c.sqlite_path = dir + "/fedflow.db";
    auto opened = orm::OpenDatabase(c);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    db = std::move(*opened);
    repo = orm::MakeTableRepository(*db);
    tables = std::make_unique<TableService>(TableServiceOptions{"9999", dir + "/data", {dir + "/files"}}, *repo,
                                            SystemClock::Instance());
    fs::create_directories(dir + "/files");
  }
  TableRequest Request(const std::string& name) {
    TableRequest r;
    r.table_namespace = "ns";
    r.table_name = name;
    return r;
  }
  std::size_t DataFiles() {
    std::size_t n = 0;
    if (!fs::exists(dir + "/data")) return 0;
    for (const auto& e : fs::recursive_directory_iterator(dir + "/data")) n += e.is_regular_file();
    return n;
  }
};

BOOST_AUTO_TEST_CASE(UploadsReplacesOnlyWhenAskedAndFailuresLeaveNothing) {
  Service s;
  std::istringstream first("id,y\n1,0\n2,1\n");
  auto t = s.tables->Upload(s.Request("t"), &first);
  BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  BOOST_TEST(t->row_count == 2);
  BOOST_TEST(s.DataFiles() == 1u);
  std::istringstream second("id,y\n1,0\n");
  auto refused = s.tables->Upload(s.Request("t"), &second);
  BOOST_TEST(refused.status().code() == StatusCode::kAlreadyExists);
  std::istringstream bad("id,y\n1\n");
  TableRequest replace = s.Request("t");
  replace.overwrite = true;
  BOOST_TEST(!s.tables->Upload(replace, &bad).ok());
  BOOST_TEST(s.tables->Get("ns", "t")->row_count == 2);  // the old table stands
  BOOST_TEST(s.DataFiles() == 1u);
  std::istringstream good("id,y\n1,0\n2,1\n3,1\n");
  BOOST_TEST(s.tables->Upload(replace, &good)->row_count == 3);
  BOOST_TEST(s.DataFiles() == 1u);  // the replaced file is gone
  std::ostringstream csv;
  BOOST_REQUIRE(s.tables->WriteCsv(*s.tables->Get("ns", "t"), csv, 2).ok());
  BOOST_TEST(csv.str() == "id,y\n1,0\n2,1\n");
  BOOST_REQUIRE(s.tables->Delete("ns", "t").ok());
  BOOST_TEST(s.DataFiles() == 0u);
}

BOOST_AUTO_TEST_CASE(ServerPathsMustBeUnderAnAllowedRoot) {
  Service s;
  testing::WriteFile(s.dir + "/files/a.csv", "id,v\n1,2\n");
  testing::WriteFile(s.dir + "/outside.csv", "id,v\n1,2\n");
  TableRequest r = s.Request("a");
  r.file = s.dir + "/files/a.csv";
  BOOST_TEST(s.tables->BindPath(r).ok());
  r.table_name = "b";
  r.file = s.dir + "/files/../outside.csv";
  BOOST_TEST(s.tables->BindPath(r).status().code() == StatusCode::kPermissionDenied);
  fs::create_symlink(s.dir + "/outside.csv", s.dir + "/files/link.csv");
  r.file = s.dir + "/files/link.csv";  // a link under the root leading outside it
  BOOST_TEST(s.tables->BindPath(r).status().code() == StatusCode::kPermissionDenied);
  r.file = "a.csv";  // relative: under the first root
  BOOST_TEST(s.tables->Upload(r, nullptr).ok());
  auto missing = s.tables->CheckPresent({{"reader_0", "ns.a"}, {"reader_1", "ns.zzz"}});
  BOOST_TEST(Mentions(missing, "party 9999 has no table ns.zzz (read by reader_1)"), missing.ToString());
  BOOST_TEST(missing.api_code() == 7001);
}

BOOST_AUTO_TEST_SUITE_END()
