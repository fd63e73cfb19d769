// Where each call's channel normalisation starts: the cepstral mean of telephone speech.
//
// PocketSphinx subtracts a running cepstral mean (CMN) from every frame, but in streaming
// mode it updates that mean only when an utterance ends. Until then it uses the model's
// -cmninit, measured on wideband speech. The host's audio is telephone audio (μ-law
// 8 kHz, upsampled to 16 kHz): nothing above 4 kHz, so the mean of its cepstra is far
// from the wideband one, and a call's FIRST utterance was recognised as noise ("hm" for
// "I would like to book an appointment"). Starting from a telephone mean fixes that.
//
// Measured with this plugin's decoder settings: 6 sentences each from 4 Flite voices
// (rms, slt, awb, kal16) through μ-law 8 kHz and speexdsp resampling, the decoder's
// running mean after each voice, averaged over the voices (two rounds, the second
// starting from the first's result). The values belong to the front end they were
// measured with; a model with a different one starts from its own -cmninit instead.
#pragma once

#include <array>

namespace callagent::plugins::pocketsphinx {

inline constexpr std::array<float, 13> kTelephoneCepstralMean = {
    45.2F, 31.9F, -30.2F, 49.1F, -16.6F, -0.3F, 19.0F, -26.9F, 15.7F, -9.4F, 0.2F, 14.6F, -13.3F};

// The front end of Debian's en-us model (its feat.params), where the mean above applies.
struct FrontEndShape {
  double sample_rate_hz;
  double lower_filter_hz;
  double upper_filter_hz;
  long filter_count;
  long cepstrum_length;
};
inline constexpr FrontEndShape kTelephonePriorFrontEnd = {16000.0, 130.0, 6800.0, 25, 13};

}  // namespace callagent::plugins::pocketsphinx
