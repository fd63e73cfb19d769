#include "tools/call-sim/twiml_stream_parser.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/XMLReader.h>
#include <fmt/format.h>

namespace callagent::callsim {
namespace {

Status twiml_error(std::string message) {
  return Status(ErrorCode::invalid_argument, std::move(message));
}

std::vector<Poco::XML::Element*> child_elements(Poco::XML::Node* parent) {
  std::vector<Poco::XML::Element*> elements;
  for (Poco::XML::Node* node = parent->firstChild(); node != nullptr; node = node->nextSibling()) {
    if (node->nodeType() == Poco::XML::Node::ELEMENT_NODE) {
      elements.push_back(static_cast<Poco::XML::Element*>(node));
    }
  }
  return elements;
}

// "<Say>Sorry, we are busy</Say> <Hangup/>": what the document does instead of streaming,
// so the error tells the tester why (a capacity apology reads very differently from a bug).
std::string describe_verbs(Poco::XML::Element* response) {
  std::string description;
  for (Poco::XML::Element* verb : child_elements(response)) {
    if (!description.empty()) description += ' ';
    const std::string text = verb->innerText();
    description += text.empty() ? fmt::format("<{}/>", verb->nodeName())
                                : fmt::format("<{}>{}</{}>", verb->nodeName(), text, verb->nodeName());
  }
  return description.empty() ? std::string("nothing") : description;
}

}  // namespace

Result<StreamInstruction> parse_stream_twiml(std::string_view twiml) {
  Poco::XML::DOMParser parser;
  // TwiML never needs outside entities; refusing them keeps a hostile answer from
  // making the simulator read local files or the network.
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  Poco::AutoPtr<Poco::XML::Document> document;
  try {
    document = parser.parseMemory(twiml.data(), twiml.size());
  } catch (const Poco::Exception& error) {
    return twiml_error(fmt::format("TwiML is not XML: {}", error.displayText()));
  }
  Poco::XML::Element* response = document->documentElement();
  if (response == nullptr || response->nodeName() != "Response") {
    return twiml_error(fmt::format("TwiML root is <{}>, expected <Response>",
                                   response == nullptr ? std::string() : response->nodeName()));
  }

  for (Poco::XML::Element* verb : child_elements(response)) {
    const bool is_connect = verb->nodeName() == "Connect";
    if (!is_connect && verb->nodeName() != "Start") continue;
    for (Poco::XML::Element* noun : child_elements(verb)) {
      if (noun->nodeName() != "Stream") continue;
      StreamInstruction instruction;
      instruction.bidirectional = is_connect;
      instruction.url = noun->getAttribute("url");
      if (instruction.url.empty()) return twiml_error("TwiML <Stream> has no url attribute");
      for (Poco::XML::Element* parameter : child_elements(noun)) {
        if (parameter->nodeName() != "Parameter") continue;
        if (!parameter->hasAttribute("name") || parameter->getAttribute("name").empty()) {
          return twiml_error("TwiML <Parameter> has no name attribute");
        }
        instruction.parameters.emplace_back(parameter->getAttribute("name"),
                                            parameter->getAttribute("value"));
      }
      return instruction;
    }
  }
  return twiml_error(fmt::format("TwiML has no <Stream>; it does: {}", describe_verbs(response)));
}

std::string find_parameter(const StreamInstruction& instruction, std::string_view name) {
  for (const auto& [parameter_name, value] : instruction.parameters) {
    if (parameter_name == name) return value;
  }
  return {};
}

}  // namespace callagent::callsim
