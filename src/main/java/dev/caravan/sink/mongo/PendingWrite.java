package dev.caravan.sink.mongo;

import org.bson.Document;

/**
 * One cleaned record waiting for the bulk write: the collection, the business-key filter, the document, how to write
 * it, and where it came from (for the dead-letter topic and for ordering duplicates within a batch).
 */
public record PendingWrite(CollectionSpec collection, Document filter, Document document, SourceRecord source) {
}
