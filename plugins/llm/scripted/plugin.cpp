#include "scripted_llm.h"

CALLAGENT_PLUGIN(llm, "llm_scripted", "1.0.0", "a rule-based agent for scripted phone flows (no network)",
                 callagent::plugins::scripted::ScriptedLlmProvider)
