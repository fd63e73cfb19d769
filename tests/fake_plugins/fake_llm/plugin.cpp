#include "tests/fake_plugins/fake_llm/fake_llm.h"

CALLAGENT_PLUGIN(llm, "fake_llm", "1.0.0",
                 "test fake: echoes the caller or replies from a script, streamed word by word",
                 callagent::fake_plugins::AutonomousLlmProvider)
