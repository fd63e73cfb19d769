// Each loader failure has its own fixture .so and its own message naming the file and
// what to do (tests/test_plugins/).
#include "host/plugins/plugin_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

namespace callagent::host {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class CountingLogger final : public Logger {
 public:
  bool enabled(LogLevel) const noexcept override { return true; }
  void log(LogLevel, std::string_view) noexcept override {}
};

class PluginLoaderTest : public ::testing::Test {
 protected:
  std::filesystem::path dir{CALLAGENT_TEST_PLUGIN_FIXTURE_DIR};
  std::atomic<int> loggers_alive{0};
  PluginLoader loader{dir, [this](const PluginMetadata&) {
                        ++loggers_alive;
                        return std::shared_ptr<Logger>(new CountingLogger, [this](Logger* logger) {
                          --loggers_alive;
                          delete logger;
                        });
                      }};

  std::string file(std::string_view name) const {
    return (dir / ("lib" + std::string(name) + ".so")).string();
  }
  Status load_error(std::string_view name, PluginKind kind = PluginKind::tts) const {
    auto loaded = loader.load(name, kind, "providers.tts");
    EXPECT_FALSE(loaded.is_ok()) << name << " loaded but should not";
    return loaded.status();
  }
  Status create_error(std::string_view name) const {
    auto created = loader.create<PluginKind::tts>(name, "{}", "providers.tts");
    EXPECT_FALSE(created.is_ok()) << name << " created but should not";
    return created.status();
  }
};

TEST_F(PluginLoaderTest, LoadsAWellFormedPluginAndReadsItsInfo) {
  auto loaded = loader.load("fixture_tts_valid", PluginKind::tts, "providers.tts");
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  const PluginMetadata& metadata = loaded.value().metadata();
  EXPECT_EQ(metadata.name, "fixture_tts_valid");
  EXPECT_EQ(metadata.kind, PluginKind::tts);
  EXPECT_EQ(metadata.version, "1.0.0");
  EXPECT_EQ(metadata.api_major, static_cast<std::uint32_t>(CALLAGENT_PLUGIN_API_MAJOR));
  EXPECT_EQ(metadata.file.string(), file("fixture_tts_valid"));
}

TEST_F(PluginLoaderTest, CreatesATypedProviderThatKeepsItsLoggerAlive) {
  auto provider = loader.create<PluginKind::tts>("fixture_tts_valid", "{}", "providers.tts");
  ASSERT_TRUE(provider.is_ok()) << provider.status().message();
  EXPECT_EQ(provider.value()->voice_key(), "fixture");  // a call into the plugin's code
  EXPECT_EQ(loggers_alive.load(), 1);
  provider.value().reset();
  EXPECT_EQ(loggers_alive.load(), 0);
}

TEST_F(PluginLoaderTest, MissingFileNamesThePathTheFolderAndWhatIsThere) {
  const Status error = load_error("tts_does_not_exist");
  EXPECT_EQ(error.code(), ErrorCode::not_found);
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr("providers.tts"), HasSubstr("unknown plugin \"tts_does_not_exist\""),
                    HasSubstr(file("tts_does_not_exist")), HasSubstr("does not exist"),
                    HasSubstr("fixture_tts_valid")));
}

TEST_F(PluginLoaderTest, RefusesNamesThatAreNotPlainNames) {
  for (const char* name : {"../libc", "a/b", "", "x y"}) {
    const Status error = load_error(name);
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument) << name;
    EXPECT_THAT(error.message(), HasSubstr("is not allowed")) << name;
  }
}

TEST_F(PluginLoaderTest, TextFileIsNotASharedLibrary) {
  const Status error = load_error("fixture_not_a_library");
  EXPECT_THAT(error.message(), AllOf(HasSubstr(file("fixture_not_a_library")),
                                     HasSubstr("is not a shared library")));
}

TEST_F(PluginLoaderTest, UndefinedSymbolFailsAtLoadTimeNotAtFirstUse) {
  const Status error = load_error("fixture_undefined_symbol");
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr(file("fixture_undefined_symbol")), HasSubstr("could not be loaded"),
                    HasSubstr("callagent_fixture_symbol_nobody_defines"),
                    HasSubstr("rebuild it against this host")));
}

TEST_F(PluginLoaderTest, LibraryWithoutEntryPointIsNotAPlugin) {
  const Status error = load_error("fixture_no_entry_point");
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr(file("fixture_no_entry_point")),
                    HasSubstr("has no entry point callagent_plugin_v1"),
                    HasSubstr("not a callagent plugin")));
}

TEST_F(PluginLoaderTest, PluginForAnotherApiMajorSaysWhichVersion) {
  const Status error = load_error("fixture_future_api");
  EXPECT_THAT(error.message(), AllOf(HasSubstr(file("fixture_future_api")),
                                     HasSubstr("built for plugin API 2.x"),
                                     HasSubstr("rebuild the plugin")));
}

TEST_F(PluginLoaderTest, ApiMajorInTheInfoIsChecked) {
  const Status error = load_error("fixture_api_major_mismatch");
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr(file("fixture_api_major_mismatch")),
                    HasSubstr("built for plugin API 2.3"),
                    HasSubstr("this host speaks API 1."), HasSubstr("rebuild the plugin")));
}

TEST_F(PluginLoaderTest, PluginForANewerApiMinorIsRefused) {
  const Status error = load_error("fixture_api_minor_newer");
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr(file("fixture_api_minor_newer")),
                    HasSubstr("needs plugin API 1." + std::to_string(CALLAGENT_PLUGIN_API_MINOR + 1)),
                    HasSubstr("upgrade the host")));
}

TEST_F(PluginLoaderTest, PluginForAnOlderApiMinorLoadsAndWorks) {
  auto provider = loader.create<PluginKind::tts>("fixture_api_minor_older", "{}", "providers.tts");
  ASSERT_TRUE(provider.is_ok()) << provider.status().message();
  EXPECT_EQ(provider.value()->voice_key(), "fixture");
}

TEST_F(PluginLoaderTest, AbiTagMismatchNamesBothBuilds) {
  const Status error = load_error("fixture_abi_mismatch");
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr(file("fixture_abi_mismatch")),
                    HasSubstr("built with \"Clang-99;c++17;cxx11abi=0\""),
                    HasSubstr(std::string("the host with \"") + CALLAGENT_ABI_TAG + "\""),
                    HasSubstr("rebuild the plugin with the host's compiler")));
}

TEST_F(PluginLoaderTest, KindMismatchSaysWhatTheFileIsAndWhatWasAsked) {
  auto loaded = loader.load("fixture_tts_valid", PluginKind::stt, "providers.stt");
  ASSERT_FALSE(loaded.is_ok());
  EXPECT_THAT(loaded.status().message(),
              AllOf(HasSubstr("providers.stt"), HasSubstr(file("fixture_tts_valid")),
                    HasSubstr("is a tts plugin"), HasSubstr("needs a stt plugin")));
}

TEST_F(PluginLoaderTest, FactoryErrorIsPassedOnWithThePluginName) {
  const Status error = create_error("fixture_factory_error");
  EXPECT_EQ(error.code(), ErrorCode::invalid_config);
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr("plugin fixture_factory_error"), HasSubstr(file("fixture_factory_error")),
                    HasSubstr("failed to start"), HasSubstr("api_key: required")));
  EXPECT_EQ(loggers_alive.load(), 0);
}

TEST_F(PluginLoaderTest, ThrowingFactoryIsCaughtAndReported) {
  const Status error = create_error("fixture_factory_throws");
  EXPECT_EQ(error.code(), ErrorCode::internal);
  EXPECT_THAT(error.message(),
              AllOf(HasSubstr("plugin fixture_factory_throws"), HasSubstr("threw from its factory"),
                    HasSubstr("boom from the factory"), HasSubstr("fix the plugin")));
}

TEST_F(PluginLoaderTest, ValidateConfigUsesThePluginsOwnCheck) {
  auto refusing = loader.load("fixture_factory_error", PluginKind::tts, "providers.tts");
  ASSERT_TRUE(refusing.is_ok()) << refusing.status().message();
  EXPECT_EQ(loader.validate_config(refusing.value(), "{}").message(), "api_key: required");
  auto valid = loader.load("fixture_tts_valid", PluginKind::tts, "providers.tts");
  ASSERT_TRUE(valid.is_ok());
  EXPECT_TRUE(loader.validate_config(valid.value(), "{}").is_ok());
}

TEST_F(PluginLoaderTest, ListingShowsGoodPluginsAndWhyBrokenOnesFail) {
  const auto listings = loader.list();
  ASSERT_GE(listings.size(), 11U);
  int good = 0;
  int broken = 0;
  for (const auto& listing : listings) {
    if (listing.metadata) {
      ++good;
      EXPECT_TRUE(listing.error.empty());
    } else {
      ++broken;
      EXPECT_THAT(listing.error, HasSubstr(listing.file.string()));
    }
  }
  // tts_valid, api_minor_older, factory_error, factory_throws pass the load checks
  EXPECT_EQ(good, 4);
  EXPECT_EQ(broken, 7);
}

}  // namespace
}  // namespace callagent::host
