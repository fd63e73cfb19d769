// What the Twilio-facing endpoints need from the config, gathered once at start-up.
// Threading: immutable after start-up; read from any thread.
#pragma once

#include <string>

namespace callagent::telephony {

struct TelephonySettings {
  std::string configured_base_url;  // server.base_url (may be empty: local testing)
  std::string auth_token;           // twilio.auth_token (secret)
  bool validate_signatures = false;
  std::string language = "en-US";
  std::string busy_message = "Sorry, we cannot take your call right now. Please call again later.";
  std::string apology_message = "Sorry, something went wrong. Please call again later.";
  std::string host_name;            // this host, for call records ("hostname:port")
  std::string api_token;            // server.api_token (secret); empty disables the admin API
};

}  // namespace callagent::telephony
