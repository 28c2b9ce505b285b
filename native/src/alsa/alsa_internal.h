// Helpers shared by the ALSA backend's files.
#pragma once

#include <memory>
#include <string>

#include "alsa/alsa_api.h"
#include "backend.h"

namespace auris::alsa {

std::string ErrorText(const Api* a, int err);
// Maps an open error to a typed Status (EBUSY -> DEVICE_BUSY, ENOENT -> NOT_FOUND, ...).
Status OpenError(const Api* a, const std::string& device, int err);
// The simple-mixer volume of the card behind `device` ("hw:CARD=X,DEV=0", "hw:1,0"); *out stays
// null when the device is not a card or the card has no playback control with a dB scale.
Status OpenMixerVolume(const Api* a, const std::string& device, const std::string& control, std::unique_ptr<Volume>* out);

}  // namespace auris::alsa
