package io.hubroute.job.source;

/**
 * What {@link IotHubRecordDecoder} makes of one Kafka record: a message or the reason it is not
 * one.
 */
public sealed interface DecodeResult permits DecodedRecord, DecodeFailure {}
