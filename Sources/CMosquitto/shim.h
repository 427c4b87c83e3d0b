// libmosquitto (EPL-2.0 / EDL-1.0, Debian libmosquitto-dev), linked dynamically. Imported
// only by the MQTT module.
#include <mosquitto.h>
#include <mqtt_protocol.h>
