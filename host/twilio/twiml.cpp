#include "host/twilio/twiml.h"

namespace callagent::twilio {
namespace {

constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

std::string stream_element(std::string_view stream_url,
                           const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string xml = "<Stream url=\"" + xml_escape(stream_url) + "\">";
  for (const auto& [name, value] : parameters) {
    xml += "<Parameter name=\"" + xml_escape(name) + "\" value=\"" + xml_escape(value) + "\"/>";
  }
  xml += "</Stream>";
  return xml;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char character : text) {
    switch (character) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0 at all.
        if (static_cast<unsigned char>(character) < 0x20 && character != '\t' && character != '\n' &&
            character != '\r') {
          escaped += ' ';
        } else {
          escaped += character;
        }
    }
  }
  return escaped;
}

std::string connect_stream_twiml(std::string_view stream_url,
                                 const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string xml(kXmlDeclaration);
  xml += "<Response><Connect>";
  xml += stream_element(stream_url, parameters);
  xml += "</Connect></Response>";
  return xml;
}

std::string say_and_hangup_twiml(std::string_view message, std::string_view language) {
  std::string xml(kXmlDeclaration);
  xml += "<Response><Say";
  if (!language.empty()) xml += " language=\"" + xml_escape(language) + "\"";
  xml += ">" + xml_escape(message) + "</Say><Hangup/></Response>";
  return xml;
}

std::string dial_twiml(std::string_view number, std::string_view caller_id) {
  std::string xml(kXmlDeclaration);
  xml += "<Response><Dial";
  if (!caller_id.empty()) xml += " callerId=\"" + xml_escape(caller_id) + "\"";
  xml += ">" + xml_escape(number) + "</Dial></Response>";
  return xml;
}

std::string play_digits_then_connect_stream_twiml(
    std::string_view digits, std::string_view stream_url,
    const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string xml(kXmlDeclaration);
  xml += "<Response><Play digits=\"" + xml_escape(digits) + "\"/><Connect>";
  xml += stream_element(stream_url, parameters);
  xml += "</Connect></Response>";
  return xml;
}

}  // namespace callagent::twilio
